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
