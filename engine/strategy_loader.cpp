#include "strategy_loader.hpp"

#include <string>

#include "number_text.hpp"

namespace clvsim {
namespace {

// Fails when `at_least` > `at_most`: such a rule could never match, which is
// always a mistake in the file rather than an intention.
template <typename T>
void check_bounds(const std::optional<T>& at_least, const std::optional<T>& at_most,
                  const std::optional<CheckedNode>& at, const std::string& what,
                  const std::string& low_text, const std::string& high_text) {
  if (at_least && at_most && *at_least > *at_most) {
    at->fail(what + "_at_least " + low_text + " is above " + what + "_at_most " +
                 high_text + ", so the rule can never match",
             what + "_at_least <= " + what + "_at_most");
  }
}

std::vector<int> read_rule_segments(const CheckedNode& node, const Names& names) {
  std::vector<int> out;
  auto add = [&](const CheckedNode& item) {
    const int seg = names.segments.find(item, item.text("a segment name"));
    for (int known : out) {
      if (known == seg) item.fail("names the same segment twice", "each segment once");
    }
    out.push_back(seg);
  };
  if (node.yaml().IsSequence()) {
    const auto items = node.items("a segment name or a list of them");
    check_count(node, items.size(), static_cast<std::size_t>(kMaxSegments), "segment");
    for (const CheckedNode& item : items) add(item);
  } else {
    add(node);
  }
  return out;
}

void read_conditions(const CheckedNode& node, const Scenario& s, const Names& names,
                     Rule& rule) {
  const CheckedMap m = node.map(
      {"segment", "level_at_least", "level_at_most", "tenure_at_least",
       "tenure_at_most", "last_revenue_at_least", "last_revenue_at_most",
       "last_profit_at_least", "last_profit_at_most", "value_so_far_at_least",
       "value_so_far_at_most"});
  if (node.yaml().size() == 0) {
    node.fail("has no condition",
              "at least one condition; leave out `when` for a catch-all rule");
  }
  if (auto seg = m.optional("segment")) rule.segments = read_rule_segments(*seg, names);

  const auto level_lo = m.optional("level_at_least");
  const auto level_hi = m.optional("level_at_most");
  for (const auto* level : {&level_lo, &level_hi}) {
    if (*level && !s.relationship.declared) {
      (*level)->fail("conditions on a level but the scenario has no relationship ladder",
                     "a relationship section with levels");
    }
  }
  if (level_lo) rule.level_at_least = names.levels.find(*level_lo, level_lo->text("a level name"));
  if (level_hi) rule.level_at_most = names.levels.find(*level_hi, level_hi->text("a level name"));
  if (level_lo && level_hi) {
    check_bounds(rule.level_at_least, rule.level_at_most, level_hi, "level",
                 s.relationship.levels[*rule.level_at_least],
                 s.relationship.levels[*rule.level_at_most]);
  }

  // Tenure runs from 0 (first period) to horizon - 1.
  const auto last_tenure = static_cast<std::uint64_t>(s.horizon - 1);
  const auto tenure_lo = m.optional("tenure_at_least");
  const auto tenure_hi = m.optional("tenure_at_most");
  if (tenure_lo) rule.tenure_at_least = static_cast<int>(tenure_lo->whole(0, last_tenure));
  if (tenure_hi) rule.tenure_at_most = static_cast<int>(tenure_hi->whole(0, last_tenure));
  check_bounds(rule.tenure_at_least, rule.tenure_at_most, tenure_hi, "tenure",
               std::to_string(rule.tenure_at_least.value_or(0)),
               std::to_string(rule.tenure_at_most.value_or(0)));

  auto money = [&](const char* low_key, const char* high_key, NumberRange range,
                   std::optional<double>& low, std::optional<double>& high,
                   const std::string& what) {
    const auto lo = m.optional(low_key);
    const auto hi = m.optional(high_key);
    if (lo) low = lo->number(range);
    if (hi) high = hi->number(range);
    check_bounds(low, high, hi, what, shortest_text(low.value_or(0)),
                 shortest_text(high.value_or(0)));
  };
  money("last_revenue_at_least", "last_revenue_at_most", kMoney,
        rule.last_revenue_at_least, rule.last_revenue_at_most, "last_revenue");
  money("last_profit_at_least", "last_profit_at_most", kSignedMoney,
        rule.last_profit_at_least, rule.last_profit_at_most, "last_profit");
  money("value_so_far_at_least", "value_so_far_at_most", kSignedMoney,
        rule.value_so_far_at_least, rule.value_so_far_at_most, "value_so_far");
}

std::vector<Rule> read_rules(const CheckedNode& node, const Scenario& s,
                             const Names& names) {
  const auto items = node.items("a list of rules, each with treatment and optional when");
  check_count(node, items.size(), kMaxRules, "rule");
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const CheckedMap m = items[i].map({"when", "treatment"});
    if (!rules.empty() && matches_everyone(rules.back(), s)) {
      items[i].fail("can never match: rule " + std::to_string(i - 1) +
                        " above matches every customer in every period",
                    "the catch-all rule last");
    }
    Rule rule;
    const CheckedNode treatment = m.required("treatment");
    rule.treatment = names.treatments.find(treatment, treatment.text("a treatment name"));
    if (auto when = m.optional("when")) read_conditions(*when, s, names, rule);
    rules.push_back(std::move(rule));
  }
  return rules;
}

Budget read_budget(const CheckedNode& node) {
  const CheckedMap m = node.map({"per_period", "rank_by"});
  Budget budget;
  budget.per_period = m.required("per_period").number(kMoney);
  if (auto rank = m.optional("rank_by")) {
    const std::string score = rank->text("value_so_far, last_revenue or last_profit");
    if (score == "value_so_far") {
      budget.rank_by = ValueScore::value_so_far;
    } else if (score == "last_revenue") {
      budget.rank_by = ValueScore::last_revenue;
    } else if (score == "last_profit") {
      budget.rank_by = ValueScore::last_profit;
    } else {
      rank->fail("cannot rank customers by \"" + score + "\"",
                 "one of: value_so_far, last_revenue, last_profit");
    }
  }
  return budget;
}

std::vector<int> read_assign(const CheckedNode& node, std::size_t n_segments,
                             const Names& names) {
  std::vector<int> treatment_of_segment(n_segments, -1);
  int fallback = 0;
  for (const auto& [key, value] :
       node.entries("a mapping from segment name (or default) to treatment name")) {
    const std::string segment = key.text("a segment name or default");
    const int seg = segment == "default" ? -1 : names.segments.find(key, segment);
    const int t = names.treatments.find(value, value.text("a treatment name"));
    if (seg < 0) {
      fallback = t;
    } else {
      treatment_of_segment[seg] = t;
    }
  }
  for (int& t : treatment_of_segment) {
    if (t < 0) t = fallback;
  }
  return treatment_of_segment;
}

}  // namespace

void read_strategies(const std::optional<CheckedNode>& node, Scenario& s,
                     Names& names) {
  const std::size_t n_segments = s.segments.size();
  if (!node) {
    s.strategies = {{"status-quo", std::vector<int>(n_segments, 0), {}, {}}};
    names.strategies.add_builtin("status-quo");
    return;
  }
  const auto items = node->items("a list of strategies with name and assign or rules");
  check_count(*node, items.size(), kMaxStrategies, "strategy");
  for (const CheckedNode& item : items) {
    const CheckedMap m = item.map({"name", "assign", "rules", "budget"});
    const CheckedNode name = m.required("name");
    Strategy strategy;
    strategy.name = name.name("a strategy");
    names.strategies.add(name, strategy.name);
    if (m.has("assign") == m.has("rules")) {
      item.fail(m.has("rules") ? "gives both assign and rules" : "gives neither assign nor rules",
                "exactly one of: assign, rules");
    }
    if (auto assign = m.optional("assign")) {
      strategy.treatment_of_segment = read_assign(*assign, n_segments, names);
    } else {
      strategy.rules = read_rules(m.required("rules"), s, names);
    }
    if (auto budget = m.optional("budget")) strategy.budget = read_budget(*budget);
    s.strategies.push_back(std::move(strategy));
  }
}

}  // namespace clvsim
