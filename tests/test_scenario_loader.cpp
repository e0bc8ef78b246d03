// Good scenario files: values, defaults, --set overrides and the round trip
// through resolved_scenario_yaml(). Bad input is in test_bad_scenarios.cpp.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim {
namespace {

const std::string kGood = std::string(CLVSIM_TEST_DATA) + "/good/";

Scenario load_good(const std::string& file,
                   const std::vector<std::string>& sets = {}) {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(parse_override(s));
  return load_scenario(kGood + file, overrides);
}

// Field-by-field equality, so a failure names the field that differs.
void expect_same(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.horizon, b.horizon);
  EXPECT_EQ(a.period_label, b.period_label);
  EXPECT_EQ(a.discount_rate, b.discount_rate);
  EXPECT_EQ(a.simulation.replications, b.simulation.replications);
  EXPECT_EQ(a.simulation.seed, b.simulation.seed);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    SCOPED_TRACE("segment " + a.segments[i].name);
    const Segment& x = a.segments[i];
    const Segment& y = b.segments[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.customers, y.customers);
    EXPECT_EQ(x.churn.kind, y.churn.kind);
    EXPECT_EQ(x.churn.p, y.churn.p);
    EXPECT_EQ(x.churn.alpha, y.churn.alpha);
    EXPECT_EQ(x.churn.beta, y.churn.beta);
    EXPECT_EQ(x.revenue.mean, y.revenue.mean);
    EXPECT_EQ(x.revenue.heterogeneity, y.revenue.heterogeneity);
    EXPECT_EQ(x.revenue.noise, y.revenue.noise);
    EXPECT_EQ(x.margin, y.margin);
    EXPECT_EQ(x.cost_to_serve, y.cost_to_serve);
    ASSERT_EQ(x.acquisition.has_value(), y.acquisition.has_value());
    if (x.acquisition) {
      EXPECT_EQ(x.acquisition->per_period, y.acquisition->per_period);
      EXPECT_EQ(x.acquisition->poisson, y.acquisition->poisson);
    }
  }
  ASSERT_EQ(a.treatments.size(), b.treatments.size());
  for (std::size_t t = 0; t < a.treatments.size(); ++t) {
    EXPECT_EQ(a.treatments[t].name, b.treatments[t].name);
    EXPECT_EQ(a.treatments[t].cost, b.treatments[t].cost);
  }
  ASSERT_EQ(a.response.size(), b.response.size());
  for (std::size_t s = 0; s < a.response.size(); ++s) {
    ASSERT_EQ(a.response[s].size(), b.response[s].size());
    for (std::size_t t = 0; t < a.response[s].size(); ++t) {
      SCOPED_TRACE("response " + std::to_string(s) + "," + std::to_string(t));
      EXPECT_EQ(a.response[s][t].churn, b.response[s][t].churn);
      EXPECT_EQ(a.response[s][t].revenue, b.response[s][t].revenue);
      EXPECT_EQ(a.response[s][t].up, b.response[s][t].up);
      EXPECT_EQ(a.response[s][t].down, b.response[s][t].down);
    }
  }
  EXPECT_EQ(a.relationship.levels, b.relationship.levels);
  EXPECT_EQ(a.relationship.start, b.relationship.start);
  EXPECT_EQ(a.relationship.churn, b.relationship.churn);
  EXPECT_EQ(a.relationship.revenue, b.relationship.revenue);
  EXPECT_EQ(a.relationship.up, b.relationship.up);
  EXPECT_EQ(a.relationship.down, b.relationship.down);
  EXPECT_EQ(a.relationship.declared, b.relationship.declared);
  ASSERT_EQ(a.strategies.size(), b.strategies.size());
  for (std::size_t k = 0; k < a.strategies.size(); ++k) {
    EXPECT_EQ(a.strategies[k].name, b.strategies[k].name);
    EXPECT_EQ(a.strategies[k].treatment_of_segment,
              b.strategies[k].treatment_of_segment);
    ASSERT_EQ(a.strategies[k].rules.size(), b.strategies[k].rules.size());
    for (std::size_t i = 0; i < a.strategies[k].rules.size(); ++i) {
      SCOPED_TRACE("rule " + std::to_string(i));
      const Rule& x = a.strategies[k].rules[i];
      const Rule& y = b.strategies[k].rules[i];
      EXPECT_EQ(x.segments, y.segments);
      EXPECT_EQ(x.level_at_least, y.level_at_least);
      EXPECT_EQ(x.level_at_most, y.level_at_most);
      EXPECT_EQ(x.tenure_at_least, y.tenure_at_least);
      EXPECT_EQ(x.tenure_at_most, y.tenure_at_most);
      EXPECT_EQ(x.last_revenue_at_least, y.last_revenue_at_least);
      EXPECT_EQ(x.last_revenue_at_most, y.last_revenue_at_most);
      EXPECT_EQ(x.last_profit_at_least, y.last_profit_at_least);
      EXPECT_EQ(x.last_profit_at_most, y.last_profit_at_most);
      EXPECT_EQ(x.value_so_far_at_least, y.value_so_far_at_least);
      EXPECT_EQ(x.value_so_far_at_most, y.value_so_far_at_most);
      EXPECT_EQ(x.treatment, y.treatment);
    }
    ASSERT_EQ(a.strategies[k].budget.has_value(), b.strategies[k].budget.has_value());
    if (a.strategies[k].budget) {
      EXPECT_EQ(a.strategies[k].budget->per_period, b.strategies[k].budget->per_period);
      EXPECT_EQ(a.strategies[k].budget->rank_by, b.strategies[k].budget->rank_by);
    }
  }
  EXPECT_EQ(a.baseline, b.baseline);
}

void expect_round_trip(const Scenario& original) {
  const std::string text = resolved_scenario_yaml(original);
  SCOPED_TRACE(text);
  Scenario again;
  ASSERT_NO_THROW(again = load_scenario_text(text, "resolved.yaml"));
  expect_same(original, again);
  // A second pass must be a fixed point, byte for byte.
  EXPECT_EQ(resolved_scenario_yaml(again), text);
}

TEST(ScenarioLoader, MinimalFillsEveryDefault) {
  const Scenario s = load_good("minimal.yaml");
  EXPECT_EQ(s.source_file, kGood + "minimal.yaml");
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.horizon, 12);
  EXPECT_EQ(s.period_label, "period");
  EXPECT_EQ(s.discount_rate, 0.0);
  EXPECT_EQ(s.simulation.replications, 32u);
  EXPECT_EQ(s.simulation.seed, 1u);
  ASSERT_EQ(s.segments.size(), 1u);
  const Segment& seg = s.segments[0];
  EXPECT_EQ(seg.name, "retail");
  EXPECT_EQ(seg.customers, 1000u);
  EXPECT_EQ(seg.churn.kind, ChurnModel::Kind::geometric);
  EXPECT_EQ(seg.churn.p, 0.05);
  EXPECT_EQ(seg.revenue.mean, 20.0);
  EXPECT_FALSE(seg.revenue.heterogeneity);
  EXPECT_FALSE(seg.revenue.noise);
  EXPECT_EQ(seg.margin, 1.0);
  EXPECT_EQ(seg.cost_to_serve, 0.0);
  EXPECT_FALSE(seg.acquisition);
  ASSERT_EQ(s.treatments.size(), 1u);
  EXPECT_EQ(s.treatments[0].name, "none");
  EXPECT_EQ(s.treatments[0].cost, 0.0);
  ASSERT_EQ(s.response.size(), 1u);
  ASSERT_EQ(s.response[0].size(), 1u);
  EXPECT_EQ(s.response[0][0].churn, 1.0);
  EXPECT_EQ(s.response[0][0].revenue, 1.0);
  EXPECT_FALSE(s.response[0][0].up);
  EXPECT_FALSE(s.response[0][0].down);
  EXPECT_FALSE(s.relationship.declared);
  EXPECT_EQ(s.relationship.levels, std::vector<std::string>{"customer"});
  EXPECT_EQ(s.relationship.start, 0);
  EXPECT_EQ(s.relationship.churn, std::vector<double>{1.0});
  EXPECT_EQ(s.relationship.revenue, std::vector<double>{1.0});
  EXPECT_EQ(s.relationship.up, 0.0);
  EXPECT_EQ(s.relationship.down, 0.0);
  ASSERT_EQ(s.strategies.size(), 1u);
  EXPECT_EQ(s.strategies[0].name, "status-quo");
  EXPECT_EQ(s.strategies[0].treatment_of_segment, std::vector<int>{0});
  EXPECT_EQ(s.baseline, 0);
}

TEST(ScenarioLoader, FullReadsEveryKey) {
  const Scenario s = load_good("full.yaml");
  EXPECT_EQ(s.name, "buyer-types");
  EXPECT_EQ(s.description,
            "Rackham buyer types under one-size-fits-all and tailored treatment");
  EXPECT_EQ(s.horizon, 36);
  EXPECT_EQ(s.period_label, "month");
  EXPECT_EQ(s.discount_rate, 0.008);
  EXPECT_EQ(s.simulation.replications, 64u);
  EXPECT_EQ(s.simulation.seed, 20120806u);

  ASSERT_EQ(s.segments.size(), 3u);
  const Segment& tr = s.segments[0];
  EXPECT_EQ(tr.name, "transactional");
  EXPECT_EQ(tr.customers, 40000u);
  EXPECT_EQ(tr.churn.kind, ChurnModel::Kind::geometric);
  EXPECT_EQ(tr.churn.p, 0.04);
  EXPECT_EQ(tr.revenue.mean, 55.0);
  EXPECT_EQ(tr.revenue.heterogeneity, 4.0);
  EXPECT_EQ(tr.revenue.noise, 2.0);
  EXPECT_EQ(tr.margin, 0.22);
  EXPECT_EQ(tr.cost_to_serve, 1.5);
  ASSERT_TRUE(tr.acquisition);
  EXPECT_EQ(tr.acquisition->per_period, 500.0);
  EXPECT_TRUE(tr.acquisition->poisson);
  const Segment& co = s.segments[1];
  EXPECT_EQ(co.churn.kind, ChurnModel::Kind::sbg);
  EXPECT_EQ(co.churn.alpha, 0.7);
  EXPECT_EQ(co.churn.beta, 3.8);
  EXPECT_FALSE(co.revenue.heterogeneity);
  ASSERT_TRUE(co.acquisition);
  EXPECT_EQ(co.acquisition->per_period, 40.0);
  EXPECT_FALSE(co.acquisition->poisson);
  EXPECT_FALSE(s.segments[2].acquisition);
  EXPECT_EQ(s.segments[2].revenue.heterogeneity, 2.0);

  ASSERT_EQ(s.treatments.size(), 4u);
  EXPECT_EQ(s.treatments[0].name, "none");
  EXPECT_EQ(s.treatments[1].name, "automated");
  EXPECT_EQ(s.treatments[1].cost, 0.4);
  EXPECT_EQ(s.treatments[3].name, "partnership");
  EXPECT_EQ(s.treatments[3].cost, 120.0);

  ASSERT_EQ(s.response.size(), 3u);
  for (const auto& row : s.response) ASSERT_EQ(row.size(), 4u);
  EXPECT_EQ(s.response[0][1].churn, 0.85);
  EXPECT_EQ(s.response[0][1].revenue, 1.0);
  EXPECT_EQ(s.response[0][2].churn, 1.15);
  EXPECT_EQ(s.response[0][3].churn, 1.0);  // not given: neutral
  EXPECT_EQ(s.response[1][1].down, 0.05);
  EXPECT_FALSE(s.response[1][1].up);
  EXPECT_EQ(s.response[1][2].up, 0.03);
  EXPECT_EQ(s.response[2][3].revenue, 1.2);
  EXPECT_EQ(s.response[2][3].down, 0.01);
  for (const auto& row : s.response) {
    EXPECT_EQ(row[0].churn, 1.0);
    EXPECT_FALSE(row[0].up);
  }

  EXPECT_TRUE(s.relationship.declared);
  EXPECT_EQ(s.relationship.levels,
            (std::vector<std::string>{"product", "solution", "partnership",
                                      "trust"}));
  EXPECT_EQ(s.relationship.start, 1);
  EXPECT_EQ(s.relationship.churn, (std::vector<double>{1.0, 0.85, 0.7, 0.5}));
  EXPECT_EQ(s.relationship.revenue, (std::vector<double>{1.0, 1.1, 1.25, 1.4}));
  EXPECT_EQ(s.relationship.up, 0.01);
  EXPECT_EQ(s.relationship.down, 0.02);

  ASSERT_EQ(s.strategies.size(), 3u);
  EXPECT_EQ(s.strategies[0].name, "one-size-fits-all");
  EXPECT_EQ(s.strategies[0].treatment_of_segment, (std::vector<int>{2, 2, 2}));
  EXPECT_EQ(s.strategies[1].treatment_of_segment, (std::vector<int>{1, 2, 3}));
  // Segments the assign does not name, without a default, get "none".
  EXPECT_EQ(s.strategies[2].treatment_of_segment, (std::vector<int>{0, 0, 3}));
  EXPECT_EQ(s.baseline, 1);
}

TEST(ScenarioLoader, BaselineDefaultsToFirstStrategy) {
  const Scenario s = load_scenario_text(
      "name: x\nhorizon: 2\n"
      "segments: [{name: a, customers: 1, churn: {geometric: 0}, "
      "revenue: {mean: 1}}]\n"
      "strategies: [{name: first, assign: {}}, {name: second, assign: {}}]\n",
      "inline.yaml");
  EXPECT_EQ(s.baseline, 0);
  EXPECT_EQ(s.strategies[1].treatment_of_segment, std::vector<int>{0});
}

TEST(ScenarioLoader, NumbersInEveryYamlSpelling) {
  const Scenario s = load_scenario_text(
      "name: 2024\nhorizon: +36\ndiscount_rate: 8e-3\n"
      "simulation: {seed: 18446744073709551615, replications: 1e3}\n"
      "segments: [{name: a, customers: 4.0e4, churn: {geometric: .5}, "
      "revenue: {mean: 1E2}}]\n",
      "inline.yaml");
  EXPECT_EQ(s.name, "2024");
  EXPECT_EQ(s.horizon, 36);
  EXPECT_EQ(s.discount_rate, 0.008);
  EXPECT_EQ(s.simulation.seed, 18446744073709551615ULL);
  EXPECT_EQ(s.simulation.replications, 1000u);
  EXPECT_EQ(s.segments[0].customers, 40000u);
  EXPECT_EQ(s.segments[0].churn.p, 0.5);
  EXPECT_EQ(s.segments[0].revenue.mean, 100.0);
}

TEST(ScenarioLoader, OverridesReplaceValuesInOrder) {
  const Scenario s = load_good(
      "full.yaml", {"segments.transactional.revenue.mean=60",
                    "treatments.consultative.cost=7",
                    "strategies.tailored.assign.default=none",
                    "horizon=24", "horizon=48", "simulation.seed=7",
                    "compare.baseline=partial"});
  EXPECT_EQ(s.segments[0].revenue.mean, 60.0);
  EXPECT_EQ(s.treatments[2].cost, 7.0);
  EXPECT_EQ(s.strategies[1].treatment_of_segment, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(s.horizon, 48);
  EXPECT_EQ(s.simulation.seed, 7u);
  EXPECT_EQ(s.baseline, 2);
}

TEST(ScenarioLoader, OverridesAddOptionalKeys) {
  const Scenario s = load_good(
      "minimal.yaml",
      {"segments.retail.revenue.noise=3", "discount_rate=0.01",
       "segments.retail.acquisition={per_period: 5}",
       "simulation={replications: 4}"});
  EXPECT_EQ(s.segments[0].revenue.noise, 3.0);
  EXPECT_EQ(s.discount_rate, 0.01);
  ASSERT_TRUE(s.segments[0].acquisition);
  EXPECT_EQ(s.segments[0].acquisition->per_period, 5.0);
  EXPECT_EQ(s.simulation.replications, 4u);
}

TEST(ScenarioLoader, OverrideValuesAreYaml) {
  const Scenario s = load_good(
      "full.yaml",
      {"segments.transactional.churn={sbg: {alpha: 2, beta: 5}}",
       "relationship.levels=[a, b, c, d]", "relationship.start=c",
       "relationship.churn.3=0.25",
       "segments.strategic={name: strategic, customers: 9, "
       "churn: {geometric: 0.5}, revenue: {mean: 1}}"});
  EXPECT_EQ(s.segments[0].churn.kind, ChurnModel::Kind::sbg);
  EXPECT_EQ(s.segments[0].churn.beta, 5.0);
  EXPECT_EQ(s.relationship.levels[2], "c");
  EXPECT_EQ(s.relationship.start, 2);
  EXPECT_EQ(s.relationship.churn[3], 0.25);
  EXPECT_EQ(s.segments[2].customers, 9u);
  EXPECT_EQ(s.segments[2].margin, 1.0);  // the whole item was replaced
}

TEST(ScenarioLoader, BadOverrideValueIsReportedWhereItApplies) {
  try {
    load_good("minimal.yaml", {"segments.retail.revenue.mean=-1"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), kGood + "minimal.yaml");
    EXPECT_EQ(e.mark().line, 8);  // where minimal.yaml has "mean: 20"
    EXPECT_EQ(e.key_path(), "segments.retail.revenue.mean");
    EXPECT_NE(std::string(e.what()).find("--set segments.retail.revenue.mean=-1"),
              std::string::npos)
        << e.what();
  }
}

TEST(ScenarioLoader, ParseOverride) {
  Override o = parse_override("segments.retail.revenue.mean=60");
  EXPECT_EQ(o.path, "segments.retail.revenue.mean");
  EXPECT_EQ(o.value, "60");
  o = parse_override("description=a=b");
  EXPECT_EQ(o.path, "description");
  EXPECT_EQ(o.value, "a=b");
  for (const char* bad : {"horizon", "=5", "a..b=1", ".a=1", "a.=1"}) {
    SCOPED_TRACE(bad);
    try {
      parse_override(bad);
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "--set");
      EXPECT_EQ(e.mark().line, 0);
      EXPECT_EQ(std::string(e.what()).rfind("--set: ", 0), 0u) << e.what();
    }
  }
}

TEST(ScenarioLoader, SegmentCountIsLimited) {
  std::string text = "name: many\nhorizon: 1\nsegments:\n";
  for (int i = 0; i <= kMaxSegments; ++i) {
    text += "  - {name: s" + std::to_string(i) +
            ", customers: 1, churn: {geometric: 0}, revenue: {mean: 1}}\n";
  }
  try {
    load_scenario_text(text, "many.yaml");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "segments");
    EXPECT_EQ(e.mark().line, 4);
  }
}

TEST(ScenarioLoader, MissingOverridePathNamesTheDeepestExistingKey) {
  try {
    load_good("full.yaml", {"segments.consultative.acquisition.rate=2"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), kGood + "full.yaml");
    EXPECT_EQ(e.mark().line, 33);  // "acquisition:" of consultative
    EXPECT_EQ(e.key_path(), "segments.consultative.acquisition.rate");
    // The last key may be new; validation then rejects it as unknown.
    EXPECT_NE(std::string(e.what()).find("unknown key \"rate\""),
              std::string::npos)
        << e.what();
  }
  try {
    load_good("full.yaml", {"segments.wholesale.margin=0.5"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.mark().line, 11);  // "segments:"
    EXPECT_EQ(e.key_path(), "segments.wholesale.margin");
    const std::string what = e.what();
    EXPECT_NE(what.find("no such list item \"wholesale\""), std::string::npos)
        << what;
    EXPECT_NE(what.find("--set segments.wholesale.margin=0.5"), std::string::npos)
        << what;
    EXPECT_NE(what.find("transactional, consultative, strategic"),
              std::string::npos)
        << what;
  }
}

TEST(ScenarioLoader, RoundTripMinimal) { expect_round_trip(load_good("minimal.yaml")); }

TEST(ScenarioLoader, RoundTripFull) { expect_round_trip(load_good("full.yaml")); }

TEST(ScenarioLoader, RoundTripRules) { expect_round_trip(load_good("rules.yaml")); }

TEST(ScenarioLoader, RulesAndBudgetAreRead) {
  const Scenario s = load_good("rules.yaml");
  ASSERT_EQ(s.strategies.size(), 2u);
  const Strategy& v = s.strategies[1];
  EXPECT_TRUE(v.treatment_of_segment.empty());
  ASSERT_EQ(v.rules.size(), 4u);
  EXPECT_EQ(v.rules[0].segments, (std::vector<int>{1}));
  EXPECT_EQ(v.rules[0].level_at_least, 2);
  EXPECT_EQ(v.rules[0].treatment, 2);
  EXPECT_EQ(v.rules[1].segments, (std::vector<int>{0, 1}));
  EXPECT_EQ(v.rules[1].tenure_at_most, 2);
  EXPECT_EQ(v.rules[2].value_so_far_at_least, -50.5);
  EXPECT_EQ(v.rules[2].last_revenue_at_most, 80);
  EXPECT_EQ(v.rules[2].last_profit_at_least, -3);
  EXPECT_TRUE(matches_everyone(v.rules[3], s));
  EXPECT_FALSE(matches_everyone(v.rules[1], s));
  ASSERT_TRUE(v.budget.has_value());
  EXPECT_EQ(v.budget->per_period, 2500);
  EXPECT_EQ(v.budget->rank_by, ValueScore::last_profit);
  EXPECT_EQ(s.baseline, 0);
}

// Error messages print unnamed list items as [index]; --set takes the same.
TEST(ScenarioLoader, OverridePathsAcceptListIndices) {
  const Scenario s = load_good(
      "rules.yaml", {"strategies.value-first.rules[1].treatment=consultative",
                     "strategies.value-first.rules.3.treatment=automated"});
  EXPECT_EQ(s.strategies[1].rules[1].treatment, 2);
  EXPECT_EQ(s.strategies[1].rules[3].treatment, 1);
}

TEST(ScenarioLoader, RoundTripIsExactForAwkwardValues) {
  Scenario s = load_good("full.yaml");
  s.description = "line one\nline two: \"quoted\" # not a comment";
  s.period_label = "yes";  // would be a boolean in YAML 1.1
  s.discount_rate = 0.1 + 0.2;
  s.segments[0].churn.p = 1.0 / 3.0;
  s.segments[0].revenue.mean = 1e12;
  s.segments[0].margin = std::nextafter(1.0, 0.0);
  s.segments[1].churn.alpha = 5e-324;  // smallest subnormal
  s.segments[1].cost_to_serve = 123456789.123456789;
  s.simulation.seed = 18446744073709551615ULL;
  s.relationship.churn[1] = 2.0 / 3.0;
  s.response[1][1].up = 0.1;
  s.response[1][1].down = std::nullopt;
  s.response[2][2].revenue = 0.0;
  expect_round_trip(s);
}

TEST(ScenarioLoader, ResolvedYamlSurvivesOverrides) {
  const Scenario s =
      load_good("minimal.yaml", {"segments.retail.revenue.heterogeneity=0.5"});
  const Scenario again = load_scenario_text(resolved_scenario_yaml(s), "r.yaml");
  expect_same(s, again);
}

}  // namespace
}  // namespace clvsim
