// The scenarios shipped in scenarios/ load, run, and show what they claim.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "clvsim/scenario_loader.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;
const fs::path kScenarios = fs::path(CLVSIM_SOURCE_DIR) / "scenarios";

TEST(ShippedScenarios, EveryFileLoads) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    EXPECT_NO_THROW(load_scenario(entry.path().string())) << entry.path();
  }
  EXPECT_GE(files, 2);
}

// buyer_types.yaml at a tenth of its size: same story, quicker.
Scenario small_buyer_types() {
  return load_scenario((kScenarios / "buyer_types.yaml").string(),
                       {{"segments.transactional.customers", "4000"},
                        {"segments.consultative.customers", "1500"},
                        {"segments.strategic.customers", "300"},
                        {"simulation.replications", "32"}});
}

TEST(ShippedScenarios, BuyerTypesPairingIsFarMorePreciseThanIndependentRuns) {
  const Scenario sc = small_buyer_types();
  const Results r = run_simulation(sc, {.threads = 2});
  ASSERT_EQ(r.strategies.size(), 3u);
  const std::size_t total = sc.segments.size();  // "total" is last
  for (const Comparison& c : r.comparisons) {
    if (c.segment != "total") continue;
    int s = 0;
    while (r.strategies[s].name != c.strategy) ++s;
    const double unpaired = std::hypot(r.strategies[s].segments[total].clv.se,
                                       r.strategies[sc.baseline].segments[total].clv.se);
    EXPECT_LE(c.clv_uplift.se, unpaired / 3) << c.strategy;
  }
}

TEST(ShippedScenarios, BuyerTypesTailoredBeatsOneSizeFitsAll) {
  const Results r = run_simulation(small_buyer_types(), {.threads = 2});
  for (const Comparison& c : r.comparisons) {
    if (c.strategy == "tailored" && c.segment == "total") {
      EXPECT_GT(c.clv_uplift_ci95.low, 0.0);
    }
    if (c.strategy == "catalogue-for-all" && c.segment == "consultative") {
      EXPECT_LT(c.clv_uplift_ci95.high, 0.0);  // the mismatch hurts
    }
  }
}

TEST(ShippedScenarios, BaselineAgainstItselfIsExactlyZero) {
  Scenario sc = small_buyer_types();
  sc.strategies.push_back(sc.strategies[sc.baseline]);
  sc.strategies.back().name = "baseline-again";
  const Results r = run_simulation(sc, {.threads = 2});
  int seen = 0;
  for (const Comparison& c : r.comparisons) {
    if (c.strategy != "baseline-again") continue;
    ++seen;
    EXPECT_EQ(c.clv_uplift.mean, 0.0) << c.segment;
    EXPECT_EQ(c.clv_uplift.se, 0.0) << c.segment;
    EXPECT_EQ(c.treatment_cost_change.mean, 0.0) << c.segment;
  }
  EXPECT_EQ(seen, 4);
}

// value_first.yaml at a tenth of its size (budgets scaled alike): ranking
// by value keeps most of the unlimited uplift at a fraction of its cost and
// beats ranking by last month's revenue; the cap is never exceeded.
TEST(ShippedScenarios, ValueFirstBudgetKeepsMostOfTheUpliftForLess) {
  const Scenario sc = load_scenario(
      (kScenarios / "value_first.yaml").string(),
      {{"segments.transactional.customers", "4000"},
       {"segments.consultative.customers", "1500"},
       {"segments.strategic.customers", "150"},
       {"strategies.tailored-capped.budget.per_period", "12000"},
       {"strategies.value-then-needs.budget.per_period", "12000"},
       {"strategies.tailored-capped-by-last-revenue.budget.per_period", "12000"},
       {"simulation.replications", "24"}});
  const Results r = run_simulation(sc, {.threads = 2});
  auto total = [&](const std::string& name) {
    for (const Comparison& c : r.comparisons) {
      if (c.strategy == name && c.segment == "total") return c;
    }
    ADD_FAILURE() << name;
    return Comparison{};
  };
  const Comparison unlimited = total("tailored-unlimited");
  const Comparison capped = total("tailored-capped");
  EXPECT_GT(capped.clv_uplift_ci95.low, 0.0);
  EXPECT_GT(capped.clv_uplift.mean, 0.8 * unlimited.clv_uplift.mean);
  EXPECT_LT(capped.treatment_cost_change.mean, 0.7 * unlimited.treatment_cost_change.mean);
  // Same wishes, same budget, only the ranking differs: paired by common
  // random numbers, value so far beats last revenue.
  EXPECT_GT(capped.clv_uplift.mean - total("tailored-capped-by-last-revenue").clv_uplift.mean,
            0.0);
  for (const StrategySummary& s : r.strategies) {
    if (s.budget) {
      EXPECT_LE(s.budget->max_spend, 12000 * (1 + 1e-12)) << s.name;
    }
  }
}

}  // namespace
}  // namespace clvsim
