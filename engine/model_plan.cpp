#include "model_plan.hpp"

#include <algorithm>
#include <cmath>

namespace clvsim {

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
    for (const Strategy& strategy : scenario.strategies) {
      const int tr = strategy.treatment_of_segment[g];
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
      sp.effect_of_strategy.push_back(effect);
    }
    plan.segments.push_back(std::move(sp));
  }
  return plan;
}

}  // namespace clvsim
