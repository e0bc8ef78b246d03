// The scenario turned into what the inner loop needs: flat arrays of
// numbers indexed by position, samplers built once, no strings, no maps.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "clvsim/scenario.hpp"
#include "samplers.hpp"

namespace clvsim {

// What one treatment does to one segment, with the ladder defaults already
// applied to the moves.
struct TreatmentEffect {
  double churn = 1.0;    // multiplier on churn probability
  double revenue = 1.0;  // multiplier on revenue
  double cost = 0.0;     // per treated customer-period
  double up = 0.0;       // P(move up a level)
  double down = 0.0;     // P(move down a level), up + down <= 1
};

// A rule resolved for one segment: its conditions as inclusive ranges over
// observable state (open ends are the extreme values), so matching is a
// handful of comparisons.
struct RulePlan {
  int level_min = 0, level_max = 0;
  int tenure_min = 0, tenure_max = 0;
  double last_revenue_min, last_revenue_max;
  double last_profit_min, last_profit_max;
  double value_min, value_max;
  bool needs_last = false;  // conditions on last period: never in the first
  int treatment = 0;
};

// Setup blocks made ahead for a whole block of customers; a customer whose
// draws need more (rejections) computes them one by one.
inline constexpr int kMaxSetupBlocks = 4;

struct SegmentPlan {
  std::uint32_t index = 0;
  std::uint64_t initial_customers = 0;
  double churn_p = 0.0;             // geometric theta
  std::optional<BetaSampler> beta;  // sBG theta
  double revenue_mean = 0.0;
  std::optional<GammaSampler> heterogeneity;  // mu = draw * heterogeneity_scale
  double heterogeneity_scale = 0.0;
  std::optional<GammaSampler> noise;  // r = mu * draw * noise_scale
  double noise_scale = 0.0;
  double margin = 1.0;
  double cost_to_serve = 0.0;
  double acquisition_per_period = 0.0;
  bool acquisition_poisson = false;
  // Blocks of setup words a customer usually needs, <= kMaxSetupBlocks.
  int setup_blocks = 1;
  // What each treatment does to this segment.
  std::vector<TreatmentEffect> effect_of_treatment;
  // [strategy]: the treatment the strategy gives every customer of this
  // segment in every period, or -1 when it decides customer by customer
  // (rules that read more than the segment, or a budget).
  std::vector<int> fixed_treatment;
  // [strategy]: the first earlier strategy that gives this segment the same
  // fixed treatment (neither has a budget), or -1. With common random numbers
  // the two are the same simulation, so the kernel runs it once and copies
  // the tallies: tailored strategies often match a one-size strategy on
  // most segments.
  std::vector<int> same_as;
  // [strategy]: the rules that can match this segment, in order.
  std::vector<std::vector<RulePlan>> rules;
};

// How a strategy's budget rations treatments (see Budget in scenario.hpp).
struct BudgetPlan {
  double per_period = 0.0;
  ValueScore rank_by = ValueScore::value_so_far;
};

struct ModelPlan {
  std::uint64_t seed = 0;
  int horizon = 0;
  int strategies = 0;
  std::vector<double> discount;         // [t] = (1 + d)^-t
  std::vector<double> discount_before;  // [t] = sum of discount[u] for u < t
  std::vector<double> level_churn;
  std::vector<double> level_revenue;
  int start_level = 0;
  bool ladder_moves = false;  // any non-zero up/down anywhere
  std::vector<SegmentPlan> segments;
  std::vector<std::optional<BudgetPlan>> budget;  // [strategy]
  bool any_unbudgeted = false;  // some strategy runs block by block
};

ModelPlan make_model_plan(const Scenario& scenario);

// Whether `rule` holds for every customer of its segment in every period.
bool matches_everyone(const RulePlan& rule, const Scenario& scenario);

}  // namespace clvsim
