// Scenarios built in code for the statistical tests, so each test states
// exactly the model it checks against a closed form.
#pragma once

#include <string>

#include "clvsim/scenario.hpp"

namespace clvsim::testing {

// One segment, no treatments, one "status-quo" strategy, no ladder.
inline Scenario single_segment(const std::string& name, Segment segment,
                               int horizon, std::uint32_t replications,
                               std::uint64_t seed, double discount_rate = 0.0) {
  Scenario s = scenario_with_defaults(name, {std::move(segment)});
  s.source_file = "<test>";
  s.horizon = horizon;
  s.discount_rate = discount_rate;
  s.simulation.replications = replications;
  s.simulation.seed = seed;
  return s;
}

inline Segment geometric_segment(std::uint64_t customers, double p, double mean,
                                 double margin = 1.0, double cost = 0.0) {
  Segment g;
  g.name = "geometric";
  g.customers = customers;
  g.churn.kind = ChurnModel::Kind::geometric;
  g.churn.p = p;
  g.revenue.mean = mean;
  g.margin = margin;
  g.cost_to_serve = cost;
  return g;
}

inline Segment sbg_segment(std::uint64_t customers, double alpha, double beta,
                           double mean, double margin = 1.0, double cost = 0.0) {
  Segment g = geometric_segment(customers, 0.0, mean, margin, cost);
  g.name = "sbg";
  g.churn.kind = ChurnModel::Kind::sbg;
  g.churn.alpha = alpha;
  g.churn.beta = beta;
  return g;
}

}  // namespace clvsim::testing

namespace clvsim::testing {

// Adds a treatment and returns its index.
inline int add_treatment(Scenario& s, const std::string& name, double cost) {
  s.treatments.push_back({name, cost});
  for (auto& row : s.response) row.resize(s.treatments.size());
  return static_cast<int>(s.treatments.size()) - 1;
}

// Adds a strategy giving segment g treatment_of_segment[g].
inline void add_strategy(Scenario& s, const std::string& name,
                         std::vector<int> treatment_of_segment) {
  s.strategies.push_back({name, std::move(treatment_of_segment), {}, {}});
}

inline void add_segment(Scenario& s, Segment segment) {
  s.segments.push_back(std::move(segment));
  s.response.emplace_back(s.treatments.size());
  for (auto& strategy : s.strategies) strategy.treatment_of_segment.push_back(0);
}

inline void set_ladder(Scenario& s, std::vector<double> churn,
                       std::vector<double> revenue, int start, double up,
                       double down) {
  RelationshipLadder& l = s.relationship;
  l.levels.clear();
  for (std::size_t i = 0; i < churn.size(); ++i) l.levels.push_back("level" + std::to_string(i));
  l.churn = std::move(churn);
  l.revenue = std::move(revenue);
  l.start = start;
  l.up = up;
  l.down = down;
  l.declared = true;
}

// Two segments (sBG with revenue noise; geometric) and a treatment that
// helps the first: a comparison with a real, noisy uplift, and every part
// of the results (segments, total, a pair, CLV histograms) non-trivial.
inline Scenario two_strategies(const std::string& name, std::uint64_t seed) {
  Scenario s = single_segment(name, sbg_segment(1500, 0.9, 3.0, 40.0, 0.4, 1.0), 12, 1, seed,
                              0.01);
  s.segments[0].revenue.noise = 2.0;
  Segment b = geometric_segment(600, 0.08, 90.0, 0.3, 2.0);
  b.name = "small";
  add_segment(s, b);
  const int call = add_treatment(s, "call", 1.5);
  s.response[0][call] = {0.8, 1.0, std::nullopt, std::nullopt};
  add_strategy(s, "call-everyone", {call, call});
  return s;
}

}  // namespace clvsim::testing
