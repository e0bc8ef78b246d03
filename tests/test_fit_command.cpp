// `clvsim fit sbg` end to end: the printed fit of Fader & Hardie's data and
// of known parameters, bad data and bad options (exit 2, line, key, nothing
// written), and --into on a flow-style and a block-style scenario.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "clvsim/sbg_fit.hpp"
#include "clvsim/scenario_loader.hpp"
#include "clvsim/survival_table.hpp"
#include "cli_harness.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::quote;
using testing::read_file;
using testing::run_clvsim;
using testing::TempDir;
using testing::write_file;

const std::string kFaderHardie =
    CLVSIM_SOURCE_DIR "/scenarios/data/retention_fader_hardie.csv";
const std::string kTwoCohorts = CLVSIM_TEST_DATA "/fit/two_cohorts.csv";
const std::string kBuyerTypes = CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml";
const std::string kBlockChurn = CLVSIM_TEST_DATA "/fit/block_churn.yaml";


// The first capture of `pattern` in `text` as a number (NaN if absent).
double number_after(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return std::nan("");
  return std::stod(m[1].str());
}

std::string capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}

// The printed survival table's rows: period -> (split, cells).
struct Row {
  std::string split;
  std::vector<double> cells;
};
std::vector<Row> table_rows(const std::string& out) {
  std::vector<Row> rows;
  std::istringstream in(out);
  std::string line;
  const std::regex row(R"(^ +(\d+)  (fit|holdout)((?: +[0-9.]+)*)$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    EXPECT_EQ(std::stoul(m[1].str()), rows.size()) << line;
    Row r{m[2].str(), {}};
    std::istringstream cells(m[3].str());
    for (double v; cells >> v;) r.cells.push_back(v);
    rows.push_back(r);
  }
  return rows;
}

class FitCommand : public ::testing::Test {
 protected:
  TempDir dir_;
};

// Each Fader & Hardie segment on its own, as the paper fits them: years
// 0-7 as 1,000 customers, years 8-12 held out.
TEST_F(FitCommand, ReproducesFaderHardie) {
  const struct {
    const char* cohort;
    double alpha, beta;
  } cases[] = {{"Regular", 0.704, 1.182}, {"High End", 0.668, 3.806}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cohort);
    const Outcome o = run_clvsim(
        dir_.path(), "fit sbg " + quote(kFaderHardie) +
                         " --cohort-size 1000 --periods 7 --discount 0.1 "
                         "--cohort " + quote(c.cohort));
    ASSERT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.err, "");  // no percent hint with --cohort-size
    const std::string alpha = capture(o.out, R"(\n  alpha +([0-9.]+) +[0-9.]+\n)");
    const std::string beta = capture(o.out, R"(\n  beta +([0-9.]+) +[0-9.]+\n)");
    EXPECT_NEAR(std::stod(alpha), c.alpha, 5e-4) << o.out;
    EXPECT_NEAR(std::stod(beta), c.beta, 5e-4) << o.out;
    EXPECT_NE(o.out.find("\n  churn: {sbg: {alpha: " + alpha + ", beta: " + beta +
                         "}}\n"),
              std::string::npos)
        << o.out;
    EXPECT_NE(o.out.find("converged after"), std::string::npos);
    EXPECT_NE(o.out.find("fit      periods 0-7; holdout periods 8-12"),
              std::string::npos);

    // Independent of the printing: the library's fit of the same counts.
    const SurvivalTable table = read_survival_table(kFaderHardie, {1000});
    const SurvivalCohort& cohort =
        table.cohorts[std::string(c.cohort) == "Regular" ? 0 : 1];
    const SbgFit fit = fit_sbg({SbgCohort{std::vector<double>(
        cohort.counts.begin(), cohort.counts.begin() + 8)}});
    EXPECT_NEAR(number_after(o.out, R"(log-likelihood (-[0-9.]+))"),
                fit.log_likelihood, 0.005);
    if (std::string(c.cohort) == "High End") {
      EXPECT_NEAR(fit.log_likelihood, -1611.2, 0.1);  // the paper's value
    }
    const std::vector<double> s = sbg_survival(fit.alpha, fit.beta, 12);
    const std::vector<Row> rows = table_rows(o.out);
    ASSERT_EQ(rows.size(), 13u) << o.out;
    double mae[2] = {0, 0};
    for (int t = 0; t <= 12; ++t) {
      SCOPED_TRACE("year " + std::to_string(t));
      EXPECT_EQ(rows[t].split, t <= 7 ? "fit" : "holdout");
      ASSERT_EQ(rows[t].cells.size(), 2u);
      EXPECT_NEAR(rows[t].cells[0], cohort.values[t], 0.005);
      EXPECT_NEAR(rows[t].cells[1], 100 * s[t], 0.005);
      if (t > 0) mae[t <= 7 ? 0 : 1] += std::abs(cohort.values[t] - 100 * s[t]);
    }
    EXPECT_NEAR(number_after(o.out, R"(\n    fit +([0-9.]+)  \(7 points\))"),
                mae[0] / 7, 0.0005);
    EXPECT_NEAR(number_after(o.out, R"(\n    holdout +([0-9.]+)  \(5 points\))"),
                mae[1] / 5, 0.0005);
    const double del = sbg_discounted_expected_lifetime(fit.alpha, fit.beta, 0.1);
    EXPECT_NEAR(number_after(o.out, R"(DEL, a customer just acquired: ([0-9.]+))"),
                del, 0.00005);
    std::istringstream derl(capture(o.out, R"(\n    DERL((?: +[0-9.]+)+)\n)"));
    for (int n : {1, 2, 3, 5, 10}) {
      double v = 0;
      ASSERT_TRUE(derl >> v) << o.out;
      EXPECT_NEAR(v, sbg_discounted_expected_residual_lifetime(fit.alpha, fit.beta,
                                                               0.1, n),
                  0.00005);
    }
  }
}

TEST_F(FitCommand, HintsForPercentTablesAndTheDiscount) {
  const Outcome o = run_clvsim(dir_.path(), "fit sbg " + quote(kFaderHardie));
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("hint: every cohort starts at 100"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("--cohort-size"), std::string::npos);
  EXPECT_NE(o.out.find("add --discount D"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("DEL,"), std::string::npos);
  EXPECT_NE(o.out.find("2 cohorts (Regular, High End), periods 0-12"),
            std::string::npos);
  EXPECT_NE(o.out.find("no holdout"), std::string::npos);
  EXPECT_EQ(table_rows(o.out).size(), 13u);
}

// Exact expectations of alpha = 0.9, beta = 2.5 for a cohort from period 0
// and one from period 3: the joint fit lands on them to every printed digit.
TEST_F(FitCommand, RecoversKnownParametersFromALaterCohort) {
  const Outcome o = run_clvsim(
      dir_.path(), "fit sbg " + quote(kTwoCohorts) + " --periods 6");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "");
  EXPECT_NE(o.out.find("churn: {sbg: {alpha: 0.9000, beta: 2.5000}}"),
            std::string::npos)
      << o.out;
  const std::vector<Row> rows = table_rows(o.out);
  ASSERT_EQ(rows.size(), 10u) << o.out;
  for (int p = 0; p < 10; ++p) {
    SCOPED_TRACE("period " + std::to_string(p));
    EXPECT_EQ(rows[p].split, p <= 6 ? "fit" : "holdout");
    // The late cohort's cells are empty before its starters in period 3.
    ASSERT_EQ(rows[p].cells.size(), p < 3 ? 2u : 4u);
    if (p >= 3) {
      EXPECT_EQ(rows[p].cells[2], rows[p - 3].cells[0]);  // same survival by age
    }
  }
  EXPECT_NEAR(number_after(o.out, R"(\n    fit +([0-9.]+)  \(9 points\))"), 0, 1e-9);
  EXPECT_NEAR(number_after(o.out, R"(\n    holdout +([0-9.]+)  \(6 points\))"), 0, 1e-9);
}

TEST_F(FitCommand, NoHeterogeneityIsReportedAndNotWritten) {
  write_file(dir_.path() / "geo.csv",
             "period,a\n0,1000\n1,900\n2,810\n3,729\n4,656.1\n");
  write_file(dir_.path() / "s.yaml", read_file(kBlockChurn));
  const Outcome o = run_clvsim(dir_.path(), "fit sbg geo.csv");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("NOT CONVERGED"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("{geometric: p}"), std::string::npos) << o.out;
  const Outcome into =
      run_clvsim(dir_.path(), "fit sbg geo.csv --segment recent --into s.yaml");
  EXPECT_EQ(into.code, 2);
  EXPECT_NE(into.err.find("--into: the fit did not converge"), std::string::npos)
      << into.err;
  EXPECT_EQ(read_file(dir_.path() / "s.yaml"), read_file(kBlockChurn));
}

struct BadData {
  const char* what;
  const char* text;  // nullptr: no such file
  const char* args;
  int line;          // 0: no line in the message
  const char* key;
};

// Every data problem of the issue: exit 2, FILE:LINE:COL, the key, and the
// scenario given to --into left exactly as it was.
TEST_F(FitCommand, BadDataIsExit2WithLineAndKeyAndWritesNothing) {
  const std::vector<BadData> cases = {
      {"missing file", nullptr, "", 0, ""},
      {"empty file", "", "", 1, ""},
      {"no data rows", "# c\nperiod,a\n", "", 2, "header"},
      {"no cohort columns", "period\n0\n", "", 1, "header"},
      {"duplicate cohort names", "period,a,a\n0,1,1\n1,1,1\n", "", 1, "a"},
      {"wrong number of cells", "period,a,b\n0,100,100\n1,90\n", "", 3, "row"},
      {"non-integer period", "period,a\n0,100\n1.5,90\n", "", 3, "period"},
      {"non-consecutive period", "period,a\n0,100\n2,90\n", "", 3, "period"},
      {"text in a numeric cell", "period,a\n0,100\n1,abc\n", "", 3, "a[period 1]"},
      {"NaN", "period,a\n0,100\n1,nan\n", "", 3, "a[period 1]"},
      {"infinity", "period,a\n0,100\n1,-inf\n", "", 3, "a[period 1]"},
      {"negative", "period,a\n0,100\n1,-3\n", "", 3, "a[period 1]"},
      {"gap inside a cohort", "period,a\n0,100\n1,90\n2,\n3,80\n", "", 4,
       "a[period 2]"},
      {"no period after the starters", "period,a,b\n0,100,\n1,90,50\n", "", 3,
       "b[period 1]"},
      {"zero starters", "period,a\n0,0\n1,0\n", "", 2, "a[period 0]"},
      {"non-monotone", "period,High End\n0,100\n1,80\n# note\n2,85\n", "", 5,
       "High End[period 2]"},
      {"percent not starting at 100", "period,a\n0,95\n1,80\n",
       "--cohort-size 1000", 2, "a[period 0]"},
      {"more survivors than starters", "period,a\n0,1000\n1,1001\n", "", 3,
       "a[period 1]"},
  };
  const fs::path scenario = dir_.path() / "s.yaml";
  const std::string original = read_file(kBlockChurn);
  write_file(scenario, original);
  for (const BadData& c : cases) {
    SCOPED_TRACE(c.what);
    const fs::path data = dir_.path() / "bad.csv";
    fs::remove(data);
    if (c.text != nullptr) write_file(data, c.text);
    const Outcome o = run_clvsim(
        dir_.path(),
        "fit sbg bad.csv --segment recent --into s.yaml " + std::string(c.args));
    EXPECT_EQ(o.code, 2) << o.err;
    const std::string where =
        c.line > 0 ? "bad.csv:" + std::to_string(c.line) + ":" : "bad.csv: ";
    EXPECT_EQ(o.err.rfind(where, 0), 0u) << o.err;
    if (*c.key != '\0') {
      EXPECT_NE(o.err.find(": " + std::string(c.key) + ": "), std::string::npos)
          << o.err;
    }
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_EQ(read_file(scenario), original);
  }
}

TEST_F(FitCommand, BadOptionsAreExit2AndWriteNothing) {
  write_file(dir_.path() / "fh.csv", read_file(kFaderHardie));
  write_file(dir_.path() / "two.csv", read_file(kTwoCohorts));
  const fs::path scenario = dir_.path() / "s.yaml";
  const std::string original = read_file(kBlockChurn) + "colour: blue\n";
  write_file(scenario, original);
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"fit", "subcommand"},
      {"fit bogus", "subcommand"},
      {"fit sbg", "data"},
      {"fit sbg fh.csv --into s.yaml", "--into: needs --segment"},
      {"fit sbg fh.csv --segment recent", "--segment: needs --into"},
      {"fit sbg fh.csv --periods 13", "--periods: 13 is beyond the last period"},
      {"fit sbg fh.csv --periods 0", "--periods"},
      {"fit sbg fh.csv --periods seven", "--periods"},
      {"fit sbg two.csv --cohort late --periods 3", "--periods: with periods 0-3 "
                                                    "no cohort"},
      {"fit sbg fh.csv --discount 0", "--discount"},
      {"fit sbg fh.csv --discount -0.1", "--discount"},
      {"fit sbg fh.csv --discount inf", "--discount"},
      {"fit sbg fh.csv --discount ten", "--discount"},
      {"fit sbg fh.csv --cohort-size 0", "--cohort-size"},
      {"fit sbg fh.csv --cohort-size 1.5", "--cohort-size"},
      {"fit sbg fh.csv --cohort Gold", "--cohort: no cohort named 'Gold'"},
      {"fit sbg fh.csv --segment nobody --into s.yaml", "no segment named 'nobody'"},
      // The scenario's own error, at its line in the file (the last one).
      {"fit sbg fh.csv --segment recent --into s.yaml", "s.yaml:36:1: colour:"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const Outcome o = run_clvsim(dir_.path(), c.args);
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_NE(o.err.find(c.message), std::string::npos) << o.err;
    EXPECT_EQ(read_file(scenario), original);
  }
}

// The new file is the old one with exactly the churn value replaced, and
// `clvsim validate` and the loader read the printed parameters from it.
// The old value is what lies between `before` and `after` in the file.
void expect_into(const fs::path& dir, const std::string& scenario_source,
                 const std::string& segment, const std::string& before,
                 const std::string& after, const std::string& cohort) {
  write_file(dir / "fh.csv", read_file(kFaderHardie));
  const std::string original = read_file(scenario_source);
  write_file(dir / "s.yaml", original);
  const Outcome o = run_clvsim(
      dir, "fit sbg fh.csv --cohort-size 1000 --periods 7 --cohort " +
               quote(cohort) + " --segment " + segment + " --into s.yaml");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("wrote the churn of segment " + segment + " into s.yaml"),
            std::string::npos);
  const std::string snippet = capture(o.out, R"(\n  churn: (\{sbg: .*\}\})\n)");
  const std::string alpha_se = capture(o.out, R"(\n  alpha +[0-9.]+ +([0-9.]+)\n)");
  const std::string beta_se = capture(o.out, R"(\n  beta +[0-9.]+ +([0-9.]+)\n)");
  ASSERT_FALSE(snippet.empty()) << o.out;
  const auto b = original.find(before);
  ASSERT_NE(b, std::string::npos);
  const auto e = original.find(after, b);
  ASSERT_NE(e, std::string::npos);
  const std::string expected =
      original.substr(0, b + before.size()) + " " + snippet +
      "  # fitted by clvsim from fh.csv, periods 0-7 (SE alpha " + alpha_se +
      ", beta " + beta_se + ")" + original.substr(e);
  EXPECT_EQ(read_file(dir / "s.yaml"), expected);

  const Outcome v = run_clvsim(dir, "validate s.yaml");
  EXPECT_EQ(v.code, 0) << v.err;
  const Scenario loaded = load_scenario((dir / "s.yaml").string());
  const Scenario before = load_scenario(scenario_source);
  ASSERT_EQ(loaded.segments.size(), before.segments.size());
  for (std::size_t i = 0; i < loaded.segments.size(); ++i) {
    const ChurnModel& churn = loaded.segments[i].churn;
    if (loaded.segments[i].name != segment) {
      EXPECT_EQ(churn.kind, before.segments[i].churn.kind);
      EXPECT_EQ(churn.alpha, before.segments[i].churn.alpha);
      EXPECT_EQ(churn.p, before.segments[i].churn.p);
      continue;
    }
    EXPECT_EQ(churn.kind, ChurnModel::Kind::sbg);
    EXPECT_EQ(snippet, "{sbg: {alpha: " + capture(o.out, R"(\n  alpha +([0-9.]+))") +
                           ", beta: " + capture(o.out, R"(\n  beta +([0-9.]+))") + "}}");
    EXPECT_EQ(churn.alpha, std::stod(capture(snippet, R"(alpha: ([0-9.]+))")));
    EXPECT_EQ(churn.beta, std::stod(capture(snippet, R"(beta: ([0-9.]+))")));
  }
}

TEST_F(FitCommand, IntoFlowStyleScenario) {
  expect_into(dir_.path(), kBuyerTypes, "consultative",
              "customers: 15000\n    churn:", "\n    revenue: {mean: 180",
              "High End");
}

// The whole block, comments inside it included, becomes one line; the
// comment after it at the key's indentation stays.
TEST_F(FitCommand, IntoBlockStyleScenario) {
  expect_into(dir_.path(), kBlockChurn, "recent", "customers: 2000\n    churn:",
              "\n    # revenue is per month", "Regular");
}

}  // namespace
}  // namespace clvsim
