#include "clvsim/scenario.hpp"

namespace clvsim {

Scenario scenario_with_defaults(std::string name, std::vector<Segment> segments) {
  Scenario s;
  s.source_file = "<code>";
  s.name = std::move(name);
  s.segments = std::move(segments);
  s.treatments.push_back({"none", 0.0});
  s.response.assign(s.segments.size(), std::vector<Response>(1));
  s.relationship.levels = {"customer"};
  s.relationship.churn = {1.0};
  s.relationship.revenue = {1.0};
  s.strategies.push_back({"status-quo", std::vector<int>(s.segments.size(), 0), {}, {}});
  return s;
}

bool matches_everyone(const Rule& rule, const Scenario& s) {
  const int top_level = static_cast<int>(s.relationship.levels.size()) - 1;
  return (rule.segments.empty() || rule.segments.size() == s.segments.size()) &&
         rule.level_at_least.value_or(0) <= 0 &&
         rule.level_at_most.value_or(top_level) >= top_level &&
         rule.tenure_at_least.value_or(0) <= 0 &&
         rule.tenure_at_most.value_or(s.horizon - 1) >= s.horizon - 1 &&
         !rule.last_revenue_at_least && !rule.last_revenue_at_most &&
         !rule.last_profit_at_least && !rule.last_profit_at_most &&
         !rule.value_so_far_at_least && !rule.value_so_far_at_most;
}

}  // namespace clvsim
