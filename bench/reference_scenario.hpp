// The benchmarks' reference model (PERF-NOTES.md), built in code so the
// benchmarks need no loader and bench_samplers' kernel figure, whole_run and
// numpy_clv.py all measure the same thing: one segment, sBG churn
// Beta(0.668, 3.806), revenue mean 50 with heterogeneity 4 and noise 2,
// margin 0.3, cost to serve 1, discount 1% per period, one strategy, no
// treatments, no ladder.
#pragma once

#include <cstdint>
#include <vector>

#include "clvsim/scenario.hpp"

namespace clvsim::bench {

inline constexpr double kSbgAlpha = 0.668;
inline constexpr double kSbgBeta = 3.806;

inline Scenario reference_scenario(std::uint64_t customers, int horizon,
                                   std::uint32_t replications, std::uint64_t seed) {
  Segment g;
  g.name = "sbg";
  g.customers = customers;
  g.churn.kind = ChurnModel::Kind::sbg;
  g.churn.alpha = kSbgAlpha;
  g.churn.beta = kSbgBeta;
  g.revenue.mean = 50.0;
  g.revenue.heterogeneity = 4.0;
  g.revenue.noise = 2.0;
  g.margin = 0.3;
  g.cost_to_serve = 1.0;
  Scenario s = scenario_with_defaults("bench-reference", {g});
  s.source_file = "<bench>";
  s.horizon = horizon;
  s.discount_rate = 0.01;
  s.simulation.replications = replications;
  s.simulation.seed = seed;
  return s;
}

}  // namespace clvsim::bench

namespace clvsim::bench {

// The reference model served by one strategy of increasing complexity, for
// measuring what strategies cost the inner loop (bench/strategy_cost.cpp).
enum class StrategyVariant {
  none,     // the reference: no treatment, no ladder
  treated,  // a four-level ladder with moves, one treatment for everyone
  rules,    // the ladder, a treatment chosen per customer and period by rules
  budget,   // the same rules under a budget that binds in every period
};

inline Scenario reference_with_strategy(std::uint64_t customers, int horizon,
                                        std::uint32_t replications, std::uint64_t seed,
                                        StrategyVariant variant) {
  Scenario s = reference_scenario(customers, horizon, replications, seed);
  if (variant == StrategyVariant::none) return s;
  RelationshipLadder& ladder = s.relationship;
  ladder.levels = {"product", "solution", "partnership", "trust"};
  ladder.churn = {1.0, 0.85, 0.7, 0.5};
  ladder.revenue = {1.0, 1.1, 1.25, 1.4};
  ladder.up = 0.05;
  ladder.down = 0.02;
  ladder.declared = true;
  s.treatments.push_back({"advice", 2.0});
  s.treatments.push_back({"offers", 0.4});
  s.response[0].push_back({0.8, 1.05, 0.08, std::nullopt});
  s.response[0].push_back({0.95, 1.0, std::nullopt, std::nullopt});
  Strategy& st = s.strategies[0];
  if (variant == StrategyVariant::treated) {
    st.treatment_of_segment = {1};
    return s;
  }
  // Advice for the valuable and the loyal, offers for newcomers, nothing
  // for the rest.
  st.treatment_of_segment.clear();
  st.rules = {Rule{.value_so_far_at_least = 40, .treatment = 1},
              Rule{.level_at_least = 2, .treatment = 1},
              Rule{.tenure_at_most = 2, .treatment = 2}};
  if (variant == StrategyVariant::budget) {
    // About a third of what the rules ask for at the start.
    st.budget = Budget{0.3 * static_cast<double>(customers), ValueScore::value_so_far};
  }
  return s;
}

}  // namespace clvsim::bench
