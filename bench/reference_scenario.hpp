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
  Scenario s;
  s.source_file = "<bench>";
  s.name = "bench-reference";
  s.horizon = horizon;
  s.discount_rate = 0.01;
  s.simulation.replications = replications;
  s.simulation.seed = seed;
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
  s.segments.push_back(g);
  // The invariants load_scenario() would establish: "none" at index 0, a
  // neutral response cell, the implicit one-level ladder, one strategy.
  s.treatments.push_back({"none", 0.0});
  s.response.assign(1, std::vector<Response>(1));
  s.relationship.levels = {"customer"};
  s.relationship.churn = {1.0};
  s.relationship.revenue = {1.0};
  s.strategies.push_back({"status-quo", {0}});
  return s;
}

}  // namespace clvsim::bench
