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
  // The treatment each strategy gives this segment, as its effect.
  std::vector<TreatmentEffect> effect_of_strategy;
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
};

ModelPlan make_model_plan(const Scenario& scenario);

}  // namespace clvsim
