// Scenario files: strict YAML in, a fully resolved Scenario out, and back.

#include "clvsim/scenario_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "clvsim/error.hpp"
#include "number_text.hpp"
#include "scenario_names.hpp"
#include "scenario_overrides.hpp"
#include "strategy_loader.hpp"
#include "yaml_checked.hpp"

namespace clvsim {
namespace {

ChurnModel read_churn(const CheckedNode& node) {
  const CheckedMap m = node.map({"geometric", "sbg"});
  if (m.has("geometric") == m.has("sbg")) {
    node.fail(m.has("sbg") ? "gives both geometric and sbg"
                           : "gives neither geometric nor sbg",
              "exactly one of: geometric, sbg");
  }
  ChurnModel churn;
  if (auto p = m.optional("geometric")) {
    churn.kind = ChurnModel::Kind::geometric;
    churn.p = p->probability();
  } else {
    const CheckedMap sbg = m.required("sbg").map({"alpha", "beta"});
    churn.kind = ChurnModel::Kind::sbg;
    churn.alpha = sbg.required("alpha").number(kShape);
    churn.beta = sbg.required("beta").number(kShape);
  }
  return churn;
}

void check_capacity(const CheckedNode& at, const Segment& seg, int horizon) {
  double acquired = 0.0;
  if (seg.acquisition && seg.acquisition->per_period > 0.0) {
    acquired = seg.acquisition->per_period * (horizon - 1);
    // A Poisson total exceeds its mean by 10 sd essentially never.
    if (seg.acquisition->poisson) acquired += 10.0 * std::sqrt(acquired) + 10.0;
  }
  const double total = static_cast<double>(seg.customers) + acquired;
  if (total > static_cast<double>(kMaxCustomersPerSegment)) {
    at.fail("customers plus acquisitions over the horizon could reach " +
                std::to_string(static_cast<unsigned long long>(total)) +
                ", above the limit per segment",
            "at most " + std::to_string(kMaxCustomersPerSegment) +
                " customers per segment in total");
  }
}

Segment read_segment(const CheckedNode& item, int horizon, Names& names) {
  const CheckedMap m = item.map({"name", "customers", "churn", "revenue",
                                 "margin", "cost_to_serve", "acquisition"});
  Segment seg;
  const CheckedNode name = m.required("name");
  seg.name = name.name("a segment");
  if (seg.name == "default") {
    name.fail("\"default\" is reserved for strategies' assign",
              "another segment name");
  }
  names.segments.add(name, seg.name);
  seg.customers = m.required("customers").whole(0, kMaxCustomersPerSegment);
  seg.churn = read_churn(m.required("churn"));
  const CheckedMap revenue =
      m.required("revenue").map({"mean", "heterogeneity", "noise"});
  seg.revenue.mean = revenue.required("mean").number(kMoney);
  if (auto h = revenue.optional("heterogeneity")) {
    seg.revenue.heterogeneity = h->number(kShape);
  }
  if (auto k = revenue.optional("noise")) seg.revenue.noise = k->number(kShape);
  if (auto margin = m.optional("margin")) seg.margin = margin->probability();
  if (auto cost = m.optional("cost_to_serve")) seg.cost_to_serve = cost->number(kMoney);
  if (auto acq = m.optional("acquisition")) {
    const CheckedMap a = acq->map({"per_period", "poisson"});
    const CheckedNode per_period = a.required("per_period");
    Acquisition acquisition;
    acquisition.per_period = per_period.number(kPerPeriod);
    if (auto poisson = a.optional("poisson")) acquisition.poisson = poisson->boolean();
    if (!acquisition.poisson &&
        acquisition.per_period != std::floor(acquisition.per_period)) {
      per_period.fail("is not a whole number while poisson is false",
                      "a whole number, or poisson: true to draw the count");
    }
    seg.acquisition = acquisition;
    check_capacity(per_period, seg, horizon);
  } else {
    check_capacity(m.required("customers"), seg, horizon);
  }
  return seg;
}

void read_treatments(const CheckedNode& node, Scenario& s, Names& names) {
  const auto items = node.items("a list of treatments with name and cost");
  if (items.size() + 1 > kMaxTreatments) {
    node.fail("has " + std::to_string(items.size()) + " treatments",
              "at most " + std::to_string(kMaxTreatments - 1));
  }
  for (const CheckedNode& item : items) {
    const CheckedMap m = item.map({"name", "cost"});
    const CheckedNode name = m.required("name");
    Treatment t{name.name("a treatment"), 0.0};
    if (t.name == "none") {
      name.fail("\"none\" is built in (cost 0, no effect) and cannot be redefined",
                "another treatment name");
    }
    names.treatments.add(name, t.name);
    t.cost = m.required("cost").number(kMoney);
    s.treatments.push_back(t);
  }
}

std::vector<double> read_per_level(const CheckedNode& node, std::size_t levels) {
  const auto items = node.items("a list with one multiplier per level");
  if (items.size() != levels) {
    node.fail("has " + std::to_string(items.size()) + " entries but there are " +
                  std::to_string(levels) + " levels",
              "one multiplier per level");
  }
  std::vector<double> out;
  for (const CheckedNode& item : items) out.push_back(item.number(kMultiplier));
  return out;
}

// up + down must leave room for "stay": both are probabilities of one draw.
void check_moves(const CheckedNode& at, double up, double down) {
  if (up + down > 1.0) {
    at.fail("up + down = " + shortest_text(up + down) + ", more than 1",
            "up + down <= 1");
  }
}

void read_relationship(const std::optional<CheckedNode>& node, Scenario& s,
                       Names& names) {
  RelationshipLadder& ladder = s.relationship;
  if (!node) {
    ladder = RelationshipLadder{{"customer"}, 0, {1.0}, {1.0}, 0.0, 0.0, false};
    return;
  }
  const CheckedMap m =
      node->map({"levels", "start", "churn", "revenue", "up", "down"});
  const CheckedNode levels = m.required("levels");
  for (const CheckedNode& level : levels.items("a list of level names")) {
    ladder.levels.push_back(level.name("a level"));
    names.levels.add(level, ladder.levels.back());
  }
  check_count(levels, ladder.levels.size(), kMaxLevels, "level");
  const std::size_t n = ladder.levels.size();
  if (auto start = m.optional("start")) {
    ladder.start = names.levels.find(*start, start->text("a level name"));
  }
  ladder.churn = ladder.revenue = std::vector<double>(n, 1.0);
  if (auto churn = m.optional("churn")) ladder.churn = read_per_level(*churn, n);
  if (auto revenue = m.optional("revenue")) ladder.revenue = read_per_level(*revenue, n);
  auto up = m.optional("up");
  auto down = m.optional("down");
  if (up) ladder.up = up->probability();
  if (down) ladder.down = down->probability();
  if (up || down) check_moves(down ? *down : *up, ladder.up, ladder.down);
  ladder.declared = true;
}

Response read_effect(const CheckedNode& node, const RelationshipLadder& ladder) {
  const CheckedMap m = node.map({"churn", "revenue", "up", "down"});
  Response r;
  if (auto churn = m.optional("churn")) r.churn = churn->number(kMultiplier);
  if (auto revenue = m.optional("revenue")) r.revenue = revenue->number(kMultiplier);
  auto up = m.optional("up");
  auto down = m.optional("down");
  if (up) r.up = up->probability();
  if (down) r.down = down->probability();
  if (up || down) {
    const CheckedNode& at = down ? *down : *up;
    if (!ladder.declared) {
      at.fail("moves up or down but the scenario has no relationship ladder",
              "a relationship section with levels");
    }
    check_moves(at, r.up.value_or(ladder.up), r.down.value_or(ladder.down));
  }
  return r;
}

void read_response(const CheckedNode& node, Scenario& s, const Names& names) {
  for (const auto& [seg_key, by_treatment] :
       node.entries("a mapping from segment name to treatments")) {
    const int seg = names.segments.find(seg_key, seg_key.text("a segment name"));
    for (const auto& [t_key, effect] :
         by_treatment.entries("a mapping from treatment name to its effect")) {
      const std::string t_name = t_key.text("a treatment name");
      if (t_name == "none") {
        t_key.fail("the built-in treatment \"none\" has no effect to set",
                   "a treatment listed under treatments");
      }
      const int t = names.treatments.find(t_key, t_name);
      s.response[seg][t] = read_effect(effect, s.relationship);
    }
  }
}

Scenario build(const CheckedNode& root) {
  const CheckedMap top = root.map(
      {"name", "description", "horizon", "period", "discount_rate",
       "simulation", "segments", "treatments", "response", "relationship",
       "strategies", "compare"});
  Scenario s;
  Names names;
  const CheckedNode name = top.required("name");
  s.name = name.text("a scenario name");
  if (s.name.empty()) name.fail("is empty", "a scenario name");
  if (auto d = top.optional("description")) s.description = d->text("free text");
  s.horizon = static_cast<int>(top.required("horizon").whole(1, kMaxHorizon));
  if (auto period = top.optional("period")) {
    s.period_label = period->text("a label such as month");
    if (s.period_label.empty()) period->fail("is empty", "a label such as month");
  }
  if (auto rate = top.optional("discount_rate")) s.discount_rate = rate->number(kRate);
  if (auto sim = top.optional("simulation")) {
    const CheckedMap m = sim->map({"replications", "seed"});
    if (auto r = m.optional("replications")) {
      s.simulation.replications =
          static_cast<std::uint32_t>(r->whole(1, kMaxReplications));
    }
    if (auto seed = m.optional("seed")) {
      s.simulation.seed = seed->whole(0, std::numeric_limits<std::uint64_t>::max());
    }
  }

  const CheckedNode segments = top.required("segments");
  const auto items = segments.items("a list of segments");
  check_count(segments, items.size(), static_cast<std::size_t>(kMaxSegments),
              "segment");
  for (const CheckedNode& item : items) {
    s.segments.push_back(read_segment(item, s.horizon, names));
  }

  s.treatments = {{"none", 0.0}};
  names.treatments.add_builtin("none");
  if (auto t = top.optional("treatments")) read_treatments(*t, s, names);
  read_relationship(top.optional("relationship"), s, names);
  s.response.assign(s.segments.size(),
                    std::vector<Response>(s.treatments.size()));
  if (auto r = top.optional("response")) read_response(*r, s, names);
  read_strategies(top.optional("strategies"), s, names);
  if (auto compare = top.optional("compare")) {
    const CheckedNode baseline = compare->map({"baseline"}).required("baseline");
    s.baseline = names.strategies.find(baseline, baseline.text("a strategy name"));
  }
  return s;
}

}  // namespace

Scenario load_scenario_text(const std::string& yaml_text,
                            const std::string& file_name,
                            const std::vector<Override>& overrides) {
  YamlSource source(file_name);
  YAML::Node root = parse_yaml_mapping(yaml_text, file_name);
  apply_overrides(root, overrides, source);
  Scenario s = build(CheckedNode(&source, root, "", root.Mark()));
  s.source_file = file_name;
  return s;
}

Scenario load_scenario(const std::string& path,
                       const std::vector<Override>& overrides) {
  return load_scenario_text(read_input_file(path), path, overrides);
}

}  // namespace clvsim
