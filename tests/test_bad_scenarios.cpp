// Every way a scenario can be wrong, one file (or --set) per way. Each case
// must fail with an InputError that names the right file, line and key path,
// both through the library and through the `clvsim run` command line (exit
// code 2, message on stderr, nothing left in the output directory).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;

const std::string kBadDir = std::string(CLVSIM_TEST_DATA) + "/bad/";

struct BadCase {
  const char* name;
  const char* file;      // under tests/data/bad
  int line;              // 1-based line in the message; 0 = no line
  const char* key_path;  // "" = the problem is not about one key
  std::vector<std::string> sets;  // --set arguments, as typed
  // The file the message names when it is not the scenario ("--set").
  const char* message_file = nullptr;
};

// clang-format off
const BadCase kCases[] = {
    {"unknown_top_key", "unknown_top_key.yaml", 8, "horizn", {}},  // typo at the top level
    {"unknown_segment_key", "unknown_segment_key.yaml", 8, "segments.retail.revnue", {}},  // typo in a segment
    {"unknown_churn_key", "unknown_churn_key.yaml", 6, "segments.retail.churn.weibull", {}},  // unsupported churn model
    {"unknown_sbg_key", "unknown_sbg_key.yaml", 10, "segments.retail.churn.sbg.gamma", {}},  // extra sbg parameter
    {"unknown_revenue_key", "unknown_revenue_key.yaml", 9, "segments.retail.revenue.median", {}},  // unknown revenue field
    {"unknown_acquisition_key", "unknown_acquisition_key.yaml", 10, "segments.retail.acquisition.rate", {}},  // unknown acquisition field
    {"unknown_simulation_key", "unknown_simulation_key.yaml", 10, "simulation.threads", {}},  // threads is a command-line option, not a scenario key
    {"unknown_treatment_key", "unknown_treatment_key.yaml", 11, "treatments.call.effect", {}},  // effects belong under response
    {"unknown_response_field", "unknown_response_field.yaml", 13, "response.retail.call.retention", {}},  // unknown response field
    {"unknown_relationship_key", "unknown_relationship_key.yaml", 10, "relationship.steps", {}},  // unknown ladder field
    {"unknown_strategy_key", "unknown_strategy_key.yaml", 11, "strategies.smart.policy", {}},  // not a strategy field
    {"rules_empty", "rules_empty.yaml", 10, "strategies.smart.rules", {}},  // a rules strategy needs at least one rule
    {"rules_unknown_treatment", "rules_unknown_treatment.yaml", 14, "strategies.smart.rules[0].treatment", {}},  // typo in a rule's treatment
    {"rules_missing_treatment", "rules_missing_treatment.yaml", 13, "strategies.smart.rules[0].treatment", {}},  // a rule without a treatment
    {"rules_unknown_rule_key", "rules_unknown_rule_key.yaml", 14, "strategies.smart.rules[0].then", {}},  // then is not a rule field; the field is treatment
    {"rules_mapping", "rules_mapping.yaml", 13, "strategies.smart.rules", {}},  // a mapping where the list of rules is expected
    {"rules_and_assign", "rules_and_assign.yaml", 11, "strategies.smart", {}},  // a strategy has exactly one of assign and rules
    {"rules_after_catch_all", "rules_after_catch_all.yaml", 14, "strategies.smart.rules[1]", {}},  // unreachable: the rule above has no when
    {"rules_after_matches_everyone", "rules_after_matches_everyone.yaml", 15, "strategies.smart.rules[1]", {}},  // unreachable: the rule above holds for every customer anyway
    {"rules_empty_when", "rules_empty_when.yaml", 13, "strategies.smart.rules[0].when", {}},  // an empty when; leave it out for a catch-all
    {"rules_unknown_condition", "rules_unknown_condition.yaml", 13, "strategies.smart.rules[0].when.churn_at_least", {}},  // churn propensity is latent, not observable
    {"rules_unknown_segment", "rules_unknown_segment.yaml", 18, "strategies.smart.rules[0].when.segment", {}},  // segment names no segment
    {"rules_unknown_segment_in_list", "rules_unknown_segment_in_list.yaml", 18, "strategies.smart.rules[0].when.segment[1]", {}},  // one name in the segment list names no segment
    {"rules_segment_twice", "rules_segment_twice.yaml", 18, "strategies.smart.rules[0].when.segment[2]", {}},  // the same segment twice in the list
    {"rules_segment_empty_list", "rules_segment_empty_list.yaml", 13, "strategies.smart.rules[0].when.segment", {}},  // an empty list; internally no segments means every segment
    {"rules_unknown_level", "rules_unknown_level.yaml", 18, "strategies.smart.rules[0].when.level_at_least", {}},  // level_at_least names no level
    {"rules_level_without_ladder", "rules_level_without_ladder.yaml", 13, "strategies.smart.rules[0].when.level_at_least", {}},  // a level condition without a relationship ladder
    {"rules_level_bounds_reversed", "rules_level_bounds_reversed.yaml", 18, "strategies.smart.rules[0].when.level_at_most", {}},  // level_at_least above level_at_most
    {"rules_tenure_bounds_reversed", "rules_tenure_bounds_reversed.yaml", 13, "strategies.smart.rules[0].when.tenure_at_most", {}},  // tenure_at_least above tenure_at_most
    {"rules_tenure_beyond_horizon", "rules_tenure_beyond_horizon.yaml", 13, "strategies.smart.rules[0].when.tenure_at_least", {}},  // tenure runs 0..horizon-1
    {"rules_tenure_negative", "rules_tenure_negative.yaml", 13, "strategies.smart.rules[0].when.tenure_at_most", {}},  // negative tenure
    {"rules_tenure_fraction", "rules_tenure_fraction.yaml", 13, "strategies.smart.rules[0].when.tenure_at_least", {}},  // tenure is a whole number of periods
    {"rules_last_revenue_negative", "rules_last_revenue_negative.yaml", 13, "strategies.smart.rules[0].when.last_revenue_at_least", {}},  // revenue is never negative
    {"rules_last_profit_bounds_reversed", "rules_last_profit_bounds_reversed.yaml", 13, "strategies.smart.rules[0].when.last_profit_at_most", {}},  // last_profit_at_least above last_profit_at_most
    {"rules_value_so_far_bounds_reversed", "rules_value_so_far_bounds_reversed.yaml", 13, "strategies.smart.rules[0].when.value_so_far_at_most", {}},  // value_so_far_at_least above value_so_far_at_most
    {"budget_scalar", "budget_scalar.yaml", 13, "strategies.smart.budget", {}},  // a number where the budget mapping is expected
    {"budget_missing_per_period", "budget_missing_per_period.yaml", 13, "strategies.smart.budget.per_period", {}},  // a budget without per_period
    {"budget_per_period_negative", "budget_per_period_negative.yaml", 13, "strategies.smart.budget.per_period", {}},  // negative budget
    {"budget_per_period_inf", "budget_per_period_inf.yaml", 13, "strategies.smart.budget.per_period", {}},  // an unlimited budget is no budget; leave it out
    {"budget_per_period_word", "budget_per_period_word.yaml", 13, "strategies.smart.budget.per_period", {}},  // a word where a number is expected
    {"budget_unknown_rank_by", "budget_unknown_rank_by.yaml", 13, "strategies.smart.budget.rank_by", {}},  // tenure is not a value score
    {"budget_unknown_key", "budget_unknown_key.yaml", 13, "strategies.smart.budget.per_customer", {}},  // not a budget field
    {"unknown_compare_key", "unknown_compare_key.yaml", 10, "compare.against", {}},  // unknown compare field
    {"missing_name", "missing_name.yaml", 1, "name", {}},  // scenario without a name
    {"missing_horizon", "missing_horizon.yaml", 1, "horizon", {}},  // scenario without a horizon
    {"missing_segments", "missing_segments.yaml", 1, "segments", {}},  // scenario without segments
    {"missing_customers", "missing_customers.yaml", 4, "segments.retail.customers", {}},  // segment without customers
    {"missing_churn", "missing_churn.yaml", 4, "segments.retail.churn", {}},  // segment without churn
    {"missing_revenue_mean", "missing_revenue_mean.yaml", 7, "segments.retail.revenue.mean", {}},  // revenue without mean
    {"missing_sbg_beta", "missing_sbg_beta.yaml", 8, "segments.retail.churn.sbg.beta", {}},  // sbg without beta
    {"missing_segment_name", "missing_segment_name.yaml", 4, "segments[0].name", {}},  // nameless segment is named by index
    {"missing_treatment_cost", "missing_treatment_cost.yaml", 9, "treatments.call.cost", {}},  // treatment without cost
    {"missing_levels", "missing_levels.yaml", 9, "relationship.levels", {}},  // ladder without levels
    {"missing_assign", "missing_assign.yaml", 9, "strategies.lazy", {}},  // strategy with neither assign nor rules
    {"missing_baseline", "missing_baseline.yaml", 8, "compare.baseline", {}},  // empty compare
    {"churn_both_models", "churn_both_models.yaml", 7, "segments.retail.churn", {}},  // two churn models
    {"churn_no_model", "churn_no_model.yaml", 6, "segments.retail.churn", {}},  // no churn model
    {"horizon_string", "horizon_string.yaml", 2, "horizon", {}},  // word instead of a number
    {"segments_mapping", "segments_mapping.yaml", 4, "segments", {}},  // a mapping where a list is expected
    {"revenue_list", "revenue_list.yaml", 7, "segments.retail.revenue", {}},  // a list where a mapping is expected
    {"quoted_number", "quoted_number.yaml", 7, "segments.retail.revenue.mean", {}},  // a quoted string where a number is expected
    {"poisson_not_bool", "poisson_not_bool.yaml", 10, "segments.retail.acquisition.poisson", {}},  // not a boolean
    {"name_list", "name_list.yaml", 1, "name", {}},  // a list where a name is expected
    {"margin_null", "margin_null.yaml", 8, "segments.retail.margin", {}},  // key without a value
    {"top_level_list", "top_level_list.yaml", 1, "", {}},  // top level must be a mapping
    {"empty_file", "empty_file.yaml", 1, "", {}},  // nothing in the file
    {"yaml_syntax_error", "yaml_syntax_error.yaml", 6, "", {}},  // a stray closing brace
    {"yaml_unclosed_bracket", "yaml_unclosed_bracket.yaml", 7, "", {}},  // yaml-cpp reports the end of the file
    {"yaml_stray_comma", "yaml_stray_comma.yaml", 1, "", {}},  // yaml-cpp 0.7 loops forever on it (found by fuzzing)
    {"yaml_bad_indentation", "yaml_bad_indentation.yaml", 3, "", {}},  // a key indented under a scalar
    {"tab_indentation", "tab_indentation.yaml", 5, "", {}},  // a tab in the indentation
    {"second_document", "second_document.yaml", 9, "", {}},  // two scenarios in one file
    {"duplicate_key", "duplicate_key.yaml", 8, "horizon", {}},  // the same key twice
    {"margin_nan", "margin_nan.yaml", 8, "segments.retail.margin", {}},  // NaN
    {"mean_inf", "mean_inf.yaml", 7, "segments.retail.revenue.mean", {}},  // infinity
    {"discount_minus_inf", "discount_minus_inf.yaml", 8, "discount_rate", {}},  // negative infinity
    {"customers_negative", "customers_negative.yaml", 5, "segments.retail.customers", {}},  // negative count
    {"customers_fraction", "customers_fraction.yaml", 5, "segments.retail.customers", {}},  // fractional count
    {"customers_too_many", "customers_too_many.yaml", 5, "segments.retail.customers", {}},  // over the per-segment limit
    {"acquisition_overflow", "acquisition_overflow.yaml", 9, "segments.retail.acquisition.per_period", {}},  // acquisitions over the horizon exceed the limit
    {"per_period_fraction", "per_period_fraction.yaml", 9, "segments.retail.acquisition.per_period", {}},  // fractional count without poisson
    {"per_period_absurd", "per_period_absurd.yaml", 9, "segments.retail.acquisition.per_period", {}},  // absurd magnitude
    {"per_period_negative", "per_period_negative.yaml", 9, "segments.retail.acquisition.per_period", {}},  // negative count
    {"horizon_zero", "horizon_zero.yaml", 2, "horizon", {}},  // horizon 0
    {"horizon_too_long", "horizon_too_long.yaml", 2, "horizon", {}},  // horizon above kMaxHorizon
    {"replications_zero", "replications_zero.yaml", 9, "simulation.replications", {}},  // zero replications
    {"seed_too_big", "seed_too_big.yaml", 9, "simulation.seed", {}},  // 2^64 does not fit
    {"seed_negative", "seed_negative.yaml", 9, "simulation.seed", {}},  // negative seed
    {"seed_fraction", "seed_fraction.yaml", 9, "simulation.seed", {}},  // fractional seed
    {"no_segments", "no_segments.yaml", 3, "segments", {}},  // empty segment list
    {"no_strategies", "no_strategies.yaml", 8, "strategies", {}},  // empty strategy list
    {"geometric_above_one", "geometric_above_one.yaml", 6, "segments.retail.churn.geometric", {}},  // probability above 1
    {"ladder_up_negative", "ladder_up_negative.yaml", 10, "relationship.up", {}},  // negative probability
    {"alpha_zero", "alpha_zero.yaml", 6, "segments.retail.churn.sbg.alpha", {}},  // alpha must be > 0
    {"beta_negative", "beta_negative.yaml", 8, "segments.retail.churn.sbg.beta", {}},  // beta must be > 0
    {"margin_above_one", "margin_above_one.yaml", 8, "segments.retail.margin", {}},  // margin above 1
    {"margin_negative", "margin_negative.yaml", 8, "segments.retail.margin", {}},  // negative margin
    {"cost_to_serve_negative", "cost_to_serve_negative.yaml", 8, "segments.retail.cost_to_serve", {}},  // negative cost to serve
    {"revenue_negative", "revenue_negative.yaml", 8, "segments.retail.revenue.mean", {}},  // negative revenue
    {"revenue_absurd", "revenue_absurd.yaml", 7, "segments.retail.revenue.mean", {}},  // absurd revenue
    {"heterogeneity_zero", "heterogeneity_zero.yaml", 7, "segments.retail.revenue.heterogeneity", {}},  // gamma shape must be > 0
    {"noise_negative", "noise_negative.yaml", 7, "segments.retail.revenue.noise", {}},  // gamma shape must be > 0
    {"treatment_cost_negative", "treatment_cost_negative.yaml", 10, "treatments.call.cost", {}},  // negative treatment cost
    {"discount_negative", "discount_negative.yaml", 8, "discount_rate", {}},  // negative discount rate
    {"discount_absurd", "discount_absurd.yaml", 8, "discount_rate", {}},  // absurd discount rate
    {"response_multiplier_negative", "response_multiplier_negative.yaml", 14, "response.retail.call.churn", {}},  // negative multiplier
    {"level_multiplier_negative", "level_multiplier_negative.yaml", 11, "relationship.revenue[1]", {}},  // negative level multiplier
    {"ladder_moves_sum", "ladder_moves_sum.yaml", 11, "relationship.down", {}},  // up + down > 1
    {"response_moves_sum", "response_moves_sum.yaml", 16, "response.retail.call.up", {}},  // response up + ladder down > 1
    {"response_moves_without_ladder", "response_moves_without_ladder.yaml", 13, "response.retail.call.up", {}},  // moves with no ladder
    {"level_count_mismatch", "level_count_mismatch.yaml", 10, "relationship.churn", {}},  // one multiplier per level
    {"duplicate_segment", "duplicate_segment.yaml", 8, "segments.retail.name", {}},  // two segments named retail
    {"duplicate_treatment", "duplicate_treatment.yaml", 11, "treatments.call.name", {}},  // two treatments named call
    {"duplicate_strategy", "duplicate_strategy.yaml", 11, "strategies.a.name", {}},  // two strategies named a
    {"duplicate_level", "duplicate_level.yaml", 12, "relationship.levels[2]", {}},  // a level listed twice
    {"redefine_none", "redefine_none.yaml", 9, "treatments.none.name", {}},  // none is built in
    {"segment_named_default", "segment_named_default.yaml", 4, "segments.default.name", {}},  // default is reserved for assign
    {"name_with_dot", "name_with_dot.yaml", 4, "segments.retail.eu.name", {}},  // a dot would break key paths
    {"assign_unknown_treatment", "assign_unknown_treatment.yaml", 14, "strategies.s.assign.retail", {}},  // typo in a treatment name
    {"assign_unknown_segment", "assign_unknown_segment.yaml", 14, "strategies.s.assign.retial", {}},  // typo in a segment name
    {"response_unknown_segment", "response_unknown_segment.yaml", 12, "response.wholesale", {}},  // response for an undefined segment
    {"response_unknown_treatment", "response_unknown_treatment.yaml", 13, "response.retail.email", {}},  // response to an undefined treatment
    {"response_to_none", "response_to_none.yaml", 13, "response.retail.none", {}},  // none has no effect
    {"unknown_start_level", "unknown_start_level.yaml", 10, "relationship.start", {}},  // start names no level
    {"unknown_baseline", "unknown_baseline.yaml", 9, "compare.baseline", {}},  // baseline names no strategy
    {"set_unknown_item", "set_target.yaml", 4, "segments.wholesale.revenue.mean", {"segments.wholesale.revenue.mean=60"}},  // no segment named wholesale
    {"set_missing_parent", "set_target.yaml", 5, "segments.retail.acquisition.per_period", {"segments.retail.acquisition.per_period=5"}},  // only the last key may be new
    {"set_new_unknown_key", "set_target.yaml", 8, "segments.retail.revenue.mea", {"segments.retail.revenue.mea=60"}},  // a new key must still be a known one
    {"set_new_unknown_top_key", "set_target.yaml", 2, "horizn", {"horizn=5"}},  // a new top-level key must be a known one
    {"set_through_scalar", "set_target.yaml", 3, "horizon.value", {"horizon.value=3"}},  // a number has no keys
    {"set_value_out_of_range", "set_target.yaml", 7, "segments.retail.churn.geometric", {"segments.retail.churn.geometric=1.5"}},  // the value is checked like the file
    {"set_value_wrong_type", "set_target.yaml", 11, "treatments.call.cost", {"treatments.call.cost=cheap"}},  // a word where a number is expected
    {"set_removes_churn_model", "set_target.yaml", 7, "segments.retail.churn", {"segments.retail.churn={}"}},  // replacing a mapping
    {"set_later_override_wins", "set_target.yaml", 3, "horizon", {"horizon=5", "horizon=0"}},  // overrides apply in order
    {"set_value_not_yaml", "set_target.yaml", 0, "horizon", {"horizon=[1,"}, "--set"},  // VALUE must parse as YAML
    {"set_without_equals", "set_target.yaml", 0, "horizon", {"horizon"}, "--set"},  // PATH=VALUE needs '='
    {"set_empty_path_part", "set_target.yaml", 0, "segments..name", {"segments..name=x"}, "--set"},  // empty part in the path
    {"budget_set_per_period_negative", "budget_set_target.yaml", 16, "strategies.smart.budget.per_period", {"strategies.smart.budget.per_period=-5"}},  // a negative budget through --set
    {"budget_set_scalar", "budget_set_target.yaml", 16, "strategies.smart.budget", {"strategies.smart.budget=250"}},  // replacing the budget mapping with a number
    {"rules_set_unknown_treatment", "budget_set_target.yaml", 15, "strategies.smart.rules[0].treatment", {"strategies.smart.rules.0.treatment=cal"}},  // a rule addressed by index; unknown treatment
    {"unreadable", "does_not_exist.yaml", 0, "", {}},  // no such file
    {"directory", ".", 0, "", {}},  // a directory is not a file
};
// clang-format on

// Test names are enough to identify a case in gtest output.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::string scenario_path(const BadCase& c) { return kBadDir + c.file; }

std::string expected_prefix(const BadCase& c) {
  const std::string file = c.message_file ? c.message_file : scenario_path(c);
  return c.line > 0 ? file + ":" + std::to_string(c.line) + ":" : file + ": ";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (char ch : arg) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

class BadScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenario, LoaderThrowsInputErrorAtTheRightPlace) {
  const BadCase& c = GetParam();
  try {
    std::vector<Override> overrides;
    for (const std::string& set : c.sets) overrides.push_back(parse_override(set));
    load_scenario(scenario_path(c), overrides);
    FAIL() << "loaded without error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(expected_prefix(c), 0), 0u)
        << "message: " << what << "\nexpected prefix: " << expected_prefix(c);
    EXPECT_EQ(e.mark().line, c.line) << what;
    if (c.line > 0) {
      EXPECT_GE(e.mark().column, 1) << what;
    }
    EXPECT_EQ(e.key_path(), c.key_path) << what;
    if (*c.key_path != '\0') {
      EXPECT_NE(what.find(std::string(": ") + c.key_path + ": "), std::string::npos)
          << what;
    }
    EXPECT_FALSE(e.problem().empty());
  }
}

TEST_P(BadScenario, CommandLineExitsWithTwoAndWritesNothing) {
  const BadCase& c = GetParam();
  ASSERT_TRUE(fs::exists(CLVSIM_BINARY)) << "not built: " << CLVSIM_BINARY;
  const fs::path dir = fs::temp_directory_path() /
                       ("clvsim-bad-" + std::to_string(::getpid()) + "-" + c.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir / "out";
  const fs::path err = dir / "stderr";

  std::string command = shell_quote(CLVSIM_BINARY) + " run " +
                        shell_quote(scenario_path(c)) + " --out " +
                        shell_quote(out.string()) + " --quiet";
  for (const std::string& set : c.sets) command += " --set " + shell_quote(set);
  command += " >/dev/null 2>" + shell_quote(err.string());
  const int status = std::system(command.c_str());

  const std::string stderr_text = read_file(err);
  ASSERT_TRUE(WIFEXITED(status)) << command;
  EXPECT_EQ(WEXITSTATUS(status), 2) << command << "\nstderr: " << stderr_text;
  EXPECT_NE(stderr_text.find(c.message_file ? c.message_file : c.file),
            std::string::npos)
      << stderr_text;
  EXPECT_NE(stderr_text.find(c.key_path), std::string::npos) << stderr_text;
  EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out))
      << "output left in " << out;
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(AllCases, BadScenario, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return std::string(info.param.name);
                         });

// A bad file nobody tests is a check nobody knows is missing.
TEST(BadScenarioTable, EveryFileInTheDirectoryHasACase) {
  std::set<std::string> used;
  for (const BadCase& c : kCases) used.insert(c.file);
  for (const auto& entry : fs::directory_iterator(kBadDir)) {
    EXPECT_TRUE(used.count(entry.path().filename().string()))
        << entry.path() << " is not in kCases";
  }
  EXPECT_GE(std::size(kCases), 40u);
}

}  // namespace
}  // namespace clvsim
