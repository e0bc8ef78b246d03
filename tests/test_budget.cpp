// Budgets: the cap holds, the most valuable are served first, and a budget
// that never binds changes nothing, to the bit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "clvsim/outputs.hpp"
#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

// Three segments exercising every path of the kernel: sBG churn with
// heterogeneity and noise, Poisson acquisition, a ladder with moves, and a
// rules strategy mixing level, tenure and value conditions.
Scenario busy_scenario(std::optional<Budget> budget) {
  Scenario sc = testing::single_segment(
      "busy", testing::sbg_segment(3000, 0.7, 3.8, 50, 0.3, 1.0), 24, 12, 31337, 0.01);
  Segment small = testing::geometric_segment(5000, 0.06, 12, 0.5, 0.5);
  small.name = "small";
  small.revenue.noise = 2.0;
  small.acquisition = Acquisition{150, true};
  testing::add_segment(sc, small);
  Segment big = testing::sbg_segment(800, 1.2, 6, 200, 0.25, 3.0);
  big.name = "big";
  big.revenue.heterogeneity = 3.0;
  testing::add_segment(sc, big);
  testing::set_ladder(sc, {1.0, 0.8, 0.6}, {1.0, 1.1, 1.3}, 0, 0.04, 0.02);
  const int call = testing::add_treatment(sc, "call", 5.0);
  const int mail = testing::add_treatment(sc, "mail", 0.5);
  for (int g = 0; g < 3; ++g) {
    sc.response[g][call] = {0.8, 1.05, 0.1, std::nullopt};
    sc.response[g][mail] = {0.95, 1.0, std::nullopt, std::nullopt};
  }
  Strategy s;
  s.name = "tiered";
  s.rules = {Rule{.value_so_far_at_least = 40, .treatment = call},
             Rule{.level_at_least = 1, .treatment = call},
             Rule{.tenure_at_most = 3, .treatment = mail}};
  s.budget = budget;
  sc.strategies.push_back(s);
  testing::add_strategy(sc, "call-all", {call, call, call});
  sc.strategies.back().budget = budget;
  return sc;
}

std::string without_budget_blocks(const std::string& summary) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(summary);
  for (auto& s : j["strategies"]) s.erase("budget");
  return j.dump(1);
}

TEST(Budget, UnboundBudgetGivesTheSameBitsAsNone) {
  const Scenario free = busy_scenario(std::nullopt);
  const Scenario capped = busy_scenario(Budget{1e12, ValueScore::value_so_far});
  const Results a = run_simulation(free, {.threads = 2});
  const Results b = run_simulation(capped, {.threads = 2});
  ASSERT_TRUE(b.strategies[1].budget.has_value());
  EXPECT_EQ(b.strategies[1].budget->binding_share, 0.0);
  EXPECT_EQ(periods_csv(a), periods_csv(b));
  EXPECT_EQ(without_budget_blocks(summary_json(a)), without_budget_blocks(summary_json(b)));
}

TEST(Budget, SpendNeverExceedsTheCapAndTheCapBinds) {
  for (ValueScore score : {ValueScore::value_so_far, ValueScore::last_revenue,
                           ValueScore::last_profit}) {
    const double cap = 9000;
    const Scenario sc = busy_scenario(Budget{cap, score});
    const Results r = run_simulation(sc, {.threads = 2});
    for (int s : {1, 2}) {
      const BudgetUse& use = *r.strategies[s].budget;
      EXPECT_LE(use.max_spend, cap * (1 + 1e-12)) << s;
      EXPECT_GT(use.binding_share, 0.5) << s;
      EXPECT_GT(use.denied.mean, 0.0) << s;
      EXPECT_LE(use.spend.mean, cap) << s;
      // Where it binds, the cap is all but used up: a call costs 5.
      EXPECT_GT(use.max_spend, cap - 5) << s;
    }
  }
}

TEST(Budget, ByteIdenticalAcrossThreadCounts) {
  const Scenario sc = busy_scenario(Budget{9000, ValueScore::value_so_far});
  const Results one = run_simulation(sc, {.threads = 1});
  for (int threads : {2, 3}) {
    const Results r = run_simulation(sc, {.threads = threads});
    EXPECT_EQ(summary_json(one), summary_json(r)) << threads;
    EXPECT_EQ(periods_csv(one), periods_csv(r)) << threads;
  }
}

// A budget of zero turns every paid treatment into "none": the same bits as
// the status quo, and everyone who asked is counted as denied.
TEST(Budget, ZeroBudgetIsTheStatusQuo) {
  Scenario sc = busy_scenario(Budget{0, ValueScore::value_so_far});
  sc.strategies.erase(sc.strategies.begin() + 1);  // keep status-quo, call-all
  const Results r = run_simulation(sc, {.threads = 2});
  const std::size_t total = r.strategies[0].periods.size() - 1;
  for (std::size_t g = 0; g <= total; ++g) {
    for (int t = 0; t < sc.horizon; ++t) {
      const PeriodSummary& none = r.strategies[0].periods[g][t];
      const PeriodSummary& zero = r.strategies[1].periods[g][t];
      EXPECT_EQ(none.active_all.mean, zero.active_all.mean);
      EXPECT_EQ(none.profit.mean, zero.profit.mean);
      EXPECT_EQ(zero.treatment_cost.mean, 0.0);
      EXPECT_EQ(zero.denied.mean, zero.active_all.mean);
    }
  }
  EXPECT_EQ(r.strategies[0].segments[total].clv.mean, r.strategies[1].segments[total].clv.mean);
}

// Two segments want the same treatment; from period 1 on "big" customers
// always have the higher last revenue, and the budget covers exactly the
// big segment's initial cohort. So no big customer is ever denied after
// period 0, and while small customers still ask, the cap is spent to the
// cent.
TEST(Budget, ServesTheMostValuableFirst) {
  Scenario sc = testing::single_segment(
      "rank", testing::geometric_segment(400, 0.05, 100), 12, 10, 77);
  sc.segments[0].name = "big";
  Segment small = testing::geometric_segment(1000, 0.05, 10);
  small.name = "small";
  testing::add_segment(sc, small);
  const int call = testing::add_treatment(sc, "call", 2.5);
  testing::add_strategy(sc, "capped", {call, call});
  sc.strategies.back().budget = Budget{400 * 2.5, ValueScore::last_revenue};
  const Results r = run_simulation(sc, {.threads = 2});
  const StrategySummary& capped = r.strategies[1];
  EXPECT_GT(capped.periods[0][0].denied.mean, 0.0);  // period 0: all scores 0
  for (int t = 1; t < sc.horizon; ++t) {
    EXPECT_EQ(capped.periods[0][t].denied.mean, 0.0) << t;
    EXPECT_EQ(capped.periods[2][t].treatment_cost.mean, 1000.0) << t;
    EXPECT_GT(capped.periods[1][t].denied.mean, 0.0) << t;
  }
}

}  // namespace
}  // namespace clvsim
