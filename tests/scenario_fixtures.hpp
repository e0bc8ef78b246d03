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
  Scenario s;
  s.source_file = "<test>";
  s.name = name;
  s.horizon = horizon;
  s.discount_rate = discount_rate;
  s.simulation.replications = replications;
  s.simulation.seed = seed;
  s.segments.push_back(std::move(segment));
  s.treatments.push_back({"none", 0.0});
  s.response.assign(1, std::vector<Response>(1));
  s.relationship.levels = {"customer"};
  s.relationship.churn = {1.0};
  s.relationship.revenue = {1.0};
  s.strategies.push_back({"status-quo", {0}});
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
