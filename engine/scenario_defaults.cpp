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

}  // namespace clvsim
