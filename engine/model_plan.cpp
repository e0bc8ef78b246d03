#include "model_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace clvsim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The rules of `strategy` whose segment condition admits segment `g`. An
// assign strategy becomes one catch-all rule.
std::vector<RulePlan> rules_for_segment(const Strategy& strategy, int g,
                                        const Scenario& scenario) {
  const int top_level = static_cast<int>(scenario.relationship.levels.size()) - 1;
  std::vector<RulePlan> out;
  auto catch_all = [&](int treatment) {
    RulePlan p;
    p.level_max = top_level;
    p.tenure_max = scenario.horizon;
    p.last_revenue_min = p.last_profit_min = p.value_min = -kInf;
    p.last_revenue_max = p.last_profit_max = p.value_max = kInf;
    p.treatment = treatment;
    return p;
  };
  if (strategy.rules.empty()) {
    out.push_back(catch_all(strategy.treatment_of_segment[g]));
    return out;
  }
  for (const Rule& rule : strategy.rules) {
    if (!rule.segments.empty() &&
        std::find(rule.segments.begin(), rule.segments.end(), g) == rule.segments.end()) {
      continue;
    }
    RulePlan p = catch_all(rule.treatment);
    p.level_min = rule.level_at_least.value_or(p.level_min);
    p.level_max = rule.level_at_most.value_or(p.level_max);
    p.tenure_min = rule.tenure_at_least.value_or(p.tenure_min);
    p.tenure_max = rule.tenure_at_most.value_or(p.tenure_max);
    p.last_revenue_min = rule.last_revenue_at_least.value_or(-kInf);
    p.last_revenue_max = rule.last_revenue_at_most.value_or(kInf);
    p.last_profit_min = rule.last_profit_at_least.value_or(-kInf);
    p.last_profit_max = rule.last_profit_at_most.value_or(kInf);
    p.value_min = rule.value_so_far_at_least.value_or(-kInf);
    p.value_max = rule.value_so_far_at_most.value_or(kInf);
    p.needs_last = rule.last_revenue_at_least || rule.last_revenue_at_most ||
                   rule.last_profit_at_least || rule.last_profit_at_most;
    out.push_back(p);
    // Later rules can never match once one matches everyone.
    if (matches_everyone(p, scenario)) break;
  }
  return out;
}

}  // namespace

bool matches_everyone(const RulePlan& rule, const Scenario& scenario) {
  const int top_level = static_cast<int>(scenario.relationship.levels.size()) - 1;
  return rule.level_min <= 0 && rule.level_max >= top_level && rule.tenure_min <= 0 &&
         rule.tenure_max >= scenario.horizon - 1 && !rule.needs_last &&
         rule.value_min == -kInf && rule.value_max == kInf;
}

ModelPlan make_model_plan(const Scenario& scenario) {
  ModelPlan plan;
  plan.seed = scenario.simulation.seed;
  plan.horizon = scenario.horizon;
  plan.strategies = static_cast<int>(scenario.strategies.size());
  plan.discount.resize(scenario.horizon);
  for (int t = 0; t < scenario.horizon; ++t) {
    // pow, not repeated division, so period t's factor does not depend on
    // rounding accumulated over earlier periods.
    plan.discount[t] = std::pow(1.0 + scenario.discount_rate, -t);
  }
  plan.discount_before.assign(scenario.horizon + 1, 0.0);
  for (int t = 0; t < scenario.horizon; ++t) {
    plan.discount_before[t + 1] = plan.discount_before[t] + plan.discount[t];
  }
  const RelationshipLadder& ladder = scenario.relationship;
  plan.level_churn = ladder.churn;
  plan.level_revenue = ladder.revenue;
  plan.start_level = ladder.start;
  const bool several_levels = ladder.levels.size() > 1;

  for (std::size_t g = 0; g < scenario.segments.size(); ++g) {
    const Segment& segment = scenario.segments[g];
    SegmentPlan sp;
    sp.index = static_cast<std::uint32_t>(g);
    sp.initial_customers = segment.customers;
    if (segment.churn.kind == ChurnModel::Kind::geometric) {
      sp.churn_p = segment.churn.p;
    } else {
      sp.beta.emplace(segment.churn.alpha, segment.churn.beta);
    }
    sp.revenue_mean = segment.revenue.mean;
    if (segment.revenue.heterogeneity) {
      sp.heterogeneity.emplace(*segment.revenue.heterogeneity);
      sp.heterogeneity_scale = segment.revenue.mean / *segment.revenue.heterogeneity;
    }
    if (segment.revenue.noise) {
      sp.noise.emplace(*segment.revenue.noise);
      sp.noise_scale = 1.0 / *segment.revenue.noise;
    }
    sp.margin = segment.margin;
    sp.cost_to_serve = segment.cost_to_serve;
    if (segment.acquisition) {
      sp.acquisition_per_period = segment.acquisition->per_period;
      sp.acquisition_poisson = segment.acquisition->poisson;
    }
    // 64-bit words without rejections: the lifeline, two per gamma attempt,
    // one more per gamma with shape < 1 (its boost).
    int words = 1;
    if (sp.beta) {
      words += 4 + (segment.churn.alpha < 1) + (segment.churn.beta < 1);
    }
    if (sp.heterogeneity) words += 2 + (*segment.revenue.heterogeneity < 1);
    sp.setup_blocks = std::min(kMaxSetupBlocks, (words + 1) / 2);
    for (std::size_t tr = 0; tr < scenario.treatments.size(); ++tr) {
      const Response& response = scenario.response[g][tr];
      TreatmentEffect effect;
      effect.churn = response.churn;
      effect.revenue = response.revenue;
      effect.cost = scenario.treatments[tr].cost;
      if (several_levels) {
        effect.up = response.up.value_or(ladder.up);
        effect.down = response.down.value_or(ladder.down);
      }
      if (effect.up > 0 || effect.down > 0) plan.ladder_moves = true;
      sp.effect_of_treatment.push_back(effect);
    }
    for (const Strategy& strategy : scenario.strategies) {
      std::vector<RulePlan> rules = rules_for_segment(strategy, static_cast<int>(g), scenario);
      int fixed = -1;
      if (strategy.rules.empty()) {
        fixed = strategy.treatment_of_segment[g];
      } else if (rules.empty()) {
        fixed = 0;  // no rule can match: "none"
      } else if (matches_everyone(rules.front(), scenario)) {
        fixed = rules.front().treatment;
      }
      // A budget may take the treatment away from any customer.
      if (strategy.budget) fixed = -1;
      int same_as = -1;
      for (std::size_t earlier = 0; earlier < sp.fixed_treatment.size(); ++earlier) {
        if (fixed >= 0 && sp.fixed_treatment[earlier] == fixed) {
          same_as = static_cast<int>(earlier);
          break;
        }
      }
      sp.fixed_treatment.push_back(fixed);
      sp.same_as.push_back(same_as);
      sp.rules.push_back(std::move(rules));
    }
    plan.segments.push_back(std::move(sp));
  }
  for (const Strategy& strategy : scenario.strategies) {
    std::optional<BudgetPlan> budget;
    if (strategy.budget) budget = BudgetPlan{strategy.budget->per_period, strategy.budget->rank_by};
    plan.budget.push_back(budget);
    if (!budget) plan.any_unbudgeted = true;
  }
  return plan;
}

}  // namespace clvsim
