// Writing a Scenario back as YAML, every default filled in, so a run can be
// repeated from the resolved file alone.

#include <yaml-cpp/yaml.h>

#include "clvsim/scenario_loader.hpp"
#include "number_text.hpp"

namespace clvsim {

namespace {

YAML::Node rule_yaml(const Scenario& s, const Rule& rule) {
  YAML::Node when;
  if (!rule.segments.empty()) {
    for (int seg : rule.segments) when["segment"].push_back(s.segments.at(seg).name);
  }
  auto level = [&](const char* key, const std::optional<int>& v) {
    if (v) when[key] = s.relationship.levels.at(*v);
  };
  auto whole = [&](const char* key, const std::optional<int>& v) {
    if (v) when[key] = *v;
  };
  auto money = [&](const char* key, const std::optional<double>& v) {
    if (v) when[key] = shortest_text(*v);
  };
  level("level_at_least", rule.level_at_least);
  level("level_at_most", rule.level_at_most);
  whole("tenure_at_least", rule.tenure_at_least);
  whole("tenure_at_most", rule.tenure_at_most);
  money("last_revenue_at_least", rule.last_revenue_at_least);
  money("last_revenue_at_most", rule.last_revenue_at_most);
  money("last_profit_at_least", rule.last_profit_at_least);
  money("last_profit_at_most", rule.last_profit_at_most);
  money("value_so_far_at_least", rule.value_so_far_at_least);
  money("value_so_far_at_most", rule.value_so_far_at_most);
  YAML::Node n;
  if (when.size() > 0) {
    when.SetStyle(YAML::EmitterStyle::Flow);
    n["when"] = when;
  }
  n["treatment"] = s.treatments.at(rule.treatment).name;
  return n;
}

}  // namespace

std::string resolved_scenario_yaml(const Scenario& s) {
  // Numbers go in as their shortest exact text so they load back unchanged.
  auto flow = [](YAML::Node node) {
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  };
  YAML::Node root;
  root["name"] = s.name;
  root["description"] = s.description;
  root["horizon"] = s.horizon;
  root["period"] = s.period_label;
  root["discount_rate"] = shortest_text(s.discount_rate);
  root["simulation"]["replications"] = s.simulation.replications;
  root["simulation"]["seed"] = s.simulation.seed;

  for (const Segment& seg : s.segments) {
    YAML::Node n;
    n["name"] = seg.name;
    n["customers"] = seg.customers;
    YAML::Node churn;
    if (seg.churn.kind == ChurnModel::Kind::geometric) {
      churn["geometric"] = shortest_text(seg.churn.p);
    } else {
      churn["sbg"]["alpha"] = shortest_text(seg.churn.alpha);
      churn["sbg"]["beta"] = shortest_text(seg.churn.beta);
    }
    n["churn"] = flow(churn);
    n["revenue"]["mean"] = shortest_text(seg.revenue.mean);
    if (seg.revenue.heterogeneity) {
      n["revenue"]["heterogeneity"] = shortest_text(*seg.revenue.heterogeneity);
    }
    if (seg.revenue.noise) n["revenue"]["noise"] = shortest_text(*seg.revenue.noise);
    n["margin"] = shortest_text(seg.margin);
    n["cost_to_serve"] = shortest_text(seg.cost_to_serve);
    if (seg.acquisition) {
      n["acquisition"]["per_period"] = shortest_text(seg.acquisition->per_period);
      n["acquisition"]["poisson"] = seg.acquisition->poisson;
    }
    root["segments"].push_back(n);
  }

  for (std::size_t t = 1; t < s.treatments.size(); ++t) {
    YAML::Node n;
    n["name"] = s.treatments[t].name;
    n["cost"] = shortest_text(s.treatments[t].cost);
    root["treatments"].push_back(flow(n));
  }

  // Only effects that differ from neutral; the loader fills in the rest.
  // Treatment 0 ("none") is neutral by definition.
  for (std::size_t seg = 0; seg < s.response.size(); ++seg) {
    for (std::size_t t = 1; t < s.response[seg].size(); ++t) {
      const Response& r = s.response[seg][t];
      if (r.churn == 1.0 && r.revenue == 1.0 && !r.up && !r.down) continue;
      YAML::Node n;
      n["churn"] = shortest_text(r.churn);
      n["revenue"] = shortest_text(r.revenue);
      if (r.up) n["up"] = shortest_text(*r.up);
      if (r.down) n["down"] = shortest_text(*r.down);
      root["response"][s.segments[seg].name][s.treatments[t].name] = flow(n);
    }
  }

  if (s.relationship.declared) {
    const RelationshipLadder& ladder = s.relationship;
    YAML::Node n;
    n["levels"] = flow(YAML::Node(ladder.levels));
    n["start"] = ladder.levels.at(ladder.start);
    for (double m : ladder.churn) n["churn"].push_back(shortest_text(m));
    for (double m : ladder.revenue) n["revenue"].push_back(shortest_text(m));
    n["churn"].SetStyle(YAML::EmitterStyle::Flow);
    n["revenue"].SetStyle(YAML::EmitterStyle::Flow);
    n["up"] = shortest_text(ladder.up);
    n["down"] = shortest_text(ladder.down);
    root["relationship"] = n;
  }

  for (const Strategy& strategy : s.strategies) {
    YAML::Node n;
    n["name"] = strategy.name;
    for (std::size_t seg = 0; seg < strategy.treatment_of_segment.size(); ++seg) {
      n["assign"][s.segments[seg].name] =
          s.treatments.at(strategy.treatment_of_segment[seg]).name;
    }
    for (const Rule& rule : strategy.rules) n["rules"].push_back(rule_yaml(s, rule));
    if (strategy.budget) {
      static const char* const kScores[] = {"value_so_far", "last_revenue", "last_profit"};
      YAML::Node budget;
      budget["per_period"] = shortest_text(strategy.budget->per_period);
      budget["rank_by"] = kScores[static_cast<int>(strategy.budget->rank_by)];
      n["budget"] = flow(budget);
    }
    root["strategies"].push_back(n);
  }
  root["compare"]["baseline"] = s.strategies.at(s.baseline).name;

  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace clvsim
