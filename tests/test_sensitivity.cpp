// One-at-a-time sensitivity: which parameters are found, exact answers where
// the model is linear, moves outside a key's range, ranking, and the command.
#include "clvsim/sensitivity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli_harness.hpp"
#include "clvsim/error.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

// Geometric churn, no revenue noise or heterogeneity, margin 1, no cost to
// serve: CLV = mean * sum_t v^t (1-p)^t on every replication's same churn
// path, so CLV is exactly proportional to the revenue mean.
Scenario linear_scenario() {
  Scenario s = testing::single_segment(
      "linear", testing::geometric_segment(3000, 0.08, 50.0, 1.0, 0.0), 12, 4, 31, 0.01);
  const int call = testing::add_treatment(s, "call", 2.0);
  s.response[0][call] = {0.7, 1.0, std::nullopt, std::nullopt};
  testing::add_strategy(s, "call-everyone", {call});
  return s;
}

const SensitivityRow& row_of(const SensitivityResult& r, const std::string& path) {
  for (const SensitivityRow& row : r.rows) {
    if (row.path == path) return row;
  }
  throw std::runtime_error("no row " + path);
}

TEST(SensitivityParameters, EveryNumberOfTheResolvedScenarioButTheSimulationSettings) {
  Scenario s = linear_scenario();
  testing::set_ladder(s, {1.0, 0.8}, {1.0, 1.2}, 0, 0.05, 0.02);
  std::vector<std::string> paths;
  for (const SensitivityParameter& p : numeric_parameters(s)) {
    paths.push_back(p.path);
    EXPECT_EQ(p.whole, p.path == "horizon" || p.path == "segments.geometric.customers") << p.path;
  }
  for (const char* expected :
       {"horizon", "discount_rate", "segments.geometric.customers", "segments.geometric.churn.geometric",
        "segments.geometric.revenue.mean", "segments.geometric.margin",
        "segments.geometric.cost_to_serve", "treatments.call.cost", "response.geometric.call.churn",
        "relationship.churn[1]", "relationship.revenue[1]", "relationship.up"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), expected), paths.end()) << expected;
  }
  for (const std::string& path : paths) {
    EXPECT_EQ(path.find("simulation"), std::string::npos) << path;
  }
}

TEST(Sensitivity, LinearParametersMoveTheMetricExactlyInProportion) {
  SensitivityOptions options;
  options.only = {"segments.geometric.revenue.mean", "segments.geometric.churn.geometric",
                  "segments.geometric.margin", "segments.geometric.cost_to_serve"};
  const SensitivityResult r = run_sensitivity(linear_scenario(), options, {.threads = 2});
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_NE(r.metric.find("status-quo"), std::string::npos) << r.metric;  // the baseline
  const SensitivityRow& mean = row_of(r, "segments.geometric.revenue.mean");
  EXPECT_EQ(mean.low_value, "45");
  EXPECT_EQ(mean.high_value, "55");
  EXPECT_NEAR(*mean.low, 0.9 * r.base, 1e-9 * r.base);
  EXPECT_NEAR(*mean.high, 1.1 * r.base, 1e-9 * r.base);
  EXPECT_NEAR(mean.elasticity, 1.0, 1e-9);
  // More churn, less value; the effect is smaller than the revenue's.
  const SensitivityRow& churn = row_of(r, "segments.geometric.churn.geometric");
  EXPECT_GT(*churn.low, r.base);
  EXPECT_LT(*churn.high, r.base);
  EXPECT_LT(churn.elasticity, 0.0);
  // A margin of 1 cannot go up; a cost of 0 has no relative move.
  const SensitivityRow& margin = row_of(r, "segments.geometric.margin");
  EXPECT_TRUE(margin.low.has_value());
  EXPECT_FALSE(margin.high.has_value());
  EXPECT_FALSE(margin.high_problem.empty());
  EXPECT_TRUE(std::isnan(margin.elasticity));
  const SensitivityRow& cost = row_of(r, "segments.geometric.cost_to_serve");
  EXPECT_FALSE(cost.low || cost.high);
  EXPECT_EQ(cost.swing, 0.0);
  // Ranked by swing: cost (no effect) last.
  for (std::size_t i = 1; i < r.rows.size(); ++i) EXPECT_GE(r.rows[i - 1].swing, r.rows[i].swing);
  EXPECT_EQ(r.rows.back().path, "segments.geometric.cost_to_serve");
}

TEST(Sensitivity, UpliftWatchesTheFirstOtherStrategyAndTreatmentCostLowersIt) {
  SensitivityOptions options;
  options.metric = SensitivityOptions::Metric::uplift;
  options.only = {"treatments.call.cost", "horizon"};
  const SensitivityResult r = run_sensitivity(linear_scenario(), options, {.threads = 1});
  EXPECT_NE(r.metric.find("call-everyone"), std::string::npos) << r.metric;
  const SensitivityRow& cost = row_of(r, "treatments.call.cost");
  // Treatment cost is paid every active period: the uplift falls by exactly
  // the extra discounted cost, which is linear in the cost.
  EXPECT_NEAR(*cost.low - r.base, r.base - *cost.high, 1e-9 * std::fabs(r.base));
  EXPECT_GT(*cost.low, *cost.high);
  const SensitivityRow& horizon = row_of(r, "horizon");
  EXPECT_EQ(horizon.low_value, "11");  // whole: 12 -/+ max(1, round(1.2))
  EXPECT_EQ(horizon.high_value, "13");
}

TEST(Sensitivity, OptionsThatNameNothingAreInputErrors) {
  const Scenario s = linear_scenario();
  const auto fails = [&](SensitivityOptions o, const std::string& option) {
    try {
      check_sensitivity_options(s, o);
      ADD_FAILURE() << option << " accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), option) << e.what();
    }
  };
  SensitivityOptions o;
  o.delta = 1.0;
  fails(o, "--delta");
  o = {};
  o.strategy = "nobody";
  fails(o, "--strategy");
  o = {};
  o.segment = "nowhere";
  fails(o, "--segment");
  o = {};
  o.only = {"segments.geometric.revenue.median"};
  fails(o, "--only");
  o = {};
  o.metric = SensitivityOptions::Metric::uplift;
  o.strategy = "status-quo";
  fails(o, "--strategy");
  o = {};
  o.only = {"simulation.seed"};
  fails(o, "--only");
}

TEST(SensitivityCommand, WritesARankedCsvAndRefusesBadOptions) {
  testing::TempDir dir;
  const std::string scenario = std::string(CLVSIM_SOURCE_DIR) + "/scenarios/buyer_types.yaml";
  const std::string small =
      " -r 4 --set horizon=6 --set segments.transactional.customers=2000"
      " --set segments.consultative.customers=800 --set segments.strategic.customers=100";
  const testing::Outcome o = testing::run_clvsim(
      dir.path(), "sensitivity " + testing::quote(scenario) + small +
                      " --metric uplift --strategy tailored --segment strategic"
                      " --only treatments.partnership.cost,segments.strategic.margin --out s --report");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("CLV uplift per customer, strategic, tailored"), std::string::npos) << o.out;
  const std::string csv = testing::read_file(dir.path() / "s" / "sensitivity.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_EQ(csv.rfind("rank,parameter,value,low_value,", 0), 0u);
  EXPECT_NE(csv.find("\n1,segments.strategic.margin,0.4,0.36,"), std::string::npos) << csv;
  // The base scenario, resolved, and the report with its tornado.
  EXPECT_NE(testing::read_file(dir.path() / "s" / "scenario.resolved.yaml").find("name: buyer-types"),
            std::string::npos);
  EXPECT_NE(testing::read_file(dir.path() / "s" / "report.html").find("data-chart=\"tornado\""),
            std::string::npos);

  for (const char* bad : {"--delta 0", "--delta 2", "--metric roi", "--strategy nobody",
                          "--only horizon,nothing.here", "--top 0"}) {
    const testing::Outcome b = testing::run_clvsim(
        dir.path(), "sensitivity " + testing::quote(scenario) + small + " " + bad + " --out bad");
    EXPECT_EQ(b.code, 2) << bad << "\n" << b.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "bad")) << bad;
  }
}

}  // namespace
}  // namespace clvsim
