// The inner loop: one period of a block's active customers.

#include <algorithm>

#include "customer_block.hpp"
#include "step_simd.hpp"

namespace clvsim {
namespace {

// Sums of x[0..n) and of x where flag is set, in eight interleaved lanes
// added in a fixed order: vector code, and the same bits on every run.
struct LaneSums {
  double all;
  double flagged;
};

LaneSums lane_sums(const double* __restrict__ x, const unsigned char* __restrict__ flag,
                   int n) {
  constexpr int kLanes = 8;
  double all[kLanes] = {}, flagged[kLanes] = {};
  int k = 0;
#if defined(CLVSIM_STEP_SIMD)
  k = simd::lane_sum_blocks(x, flag, n, all, flagged);
#endif
  for (; k + kLanes <= n; k += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      all[l] += x[k + l];
      flagged[l] += flag[k + l] ? x[k + l] : 0.0;
    }
  }
  for (int l = 0; k < n; ++k, ++l) {
    all[l] += x[k];
    flagged[l] += flag[k] ? x[k] : 0.0;
  }
  LaneSums sums{0.0, 0.0};
  for (int l = 0; l < kLanes; ++l) {
    sums.all += all[l];
    sums.flagged += flagged[l];
  }
  return sums;
}

}  // namespace

// This period's words and noise draws for `count` customers, in their
// order: word 3 to w3, the draw to gamma; a_.word[0..2] serve as scratch.
template <bool kNoise>
void CustomerBlock::make_period_draws(int t, const std::uint32_t* customers, int count,
                                      double* gamma, std::uint32_t* w3) {
  const StreamKey& key = *key_;
  std::uint32_t* __restrict__ w0 = a_.word[0].data();
  std::uint32_t* __restrict__ w1 = a_.word[1].data();
  std::uint32_t* __restrict__ w2 = a_.word[2].data();
  std::uint32_t* const words[4] = {w0, w1, w2, w3};
  key.blocks(customers, count, static_cast<std::uint32_t>(t), Purpose::kPeriod, 0, words);
  if constexpr (kNoise) {
    unsigned char* __restrict__ fast = a_.fast.data();
    const GammaSampler& noise = *segment_->noise;
    noise.try_fast_many(w0, w1, w2, count, gamma, fast);
    const auto complete = [&](int k) {
      WordEngine extra(key, customers[k], t, Purpose::kPeriodExtra);
      double g = gamma[k];
      if (!fast[k]) g = noise.finish(w0[k], w1[k], w2[k], extra);
      gamma[k] = noise.boost(g, extra);
    };
    if (noise.boosted()) {
      for (int k = 0; k < count; ++k) complete(k);
    } else {
#if defined(CLVSIM_STEP_SIMD)
      simd::for_each_clear_ascending(fast, count, complete);
#else
      for (int k = 0; k < count; ++k) {
        if (!fast[k]) complete(k);
      }
#endif
    }
  }
}

// make_period_draws() for the active customers, made only for those whose
// draws of period t no earlier strategy made, then kept.
template <bool kNoise, bool kLadder>
void CustomerBlock::fetch_period_draws(int t) {
  const int m = m_;
  const std::uint32_t first = first_;
  const std::uint32_t* __restrict__ customer = a_.customer.data();
  int* __restrict__ made_until = made_until_.data();
  const std::size_t row = static_cast<std::size_t>(t) * static_cast<std::size_t>(n_);
  double* __restrict__ kept_gamma = kNoise ? kept_gamma_.data() + row : nullptr;
  std::uint32_t* __restrict__ kept_word = kLadder ? kept_word_.data() + row : nullptr;
  double* __restrict__ gamma = a_.gamma.data();
  std::uint32_t* __restrict__ w3 = a_.word[3].data();
  if (first_pass_) {
    // Nothing is kept yet: make everyone's draws in place, then keep them.
    make_period_draws<kNoise>(t, customer, m, gamma, w3);
    for (int k = 0; k < m; ++k) {
      const std::uint32_t i = customer[k] - first;
      made_until[i] = t + 1;
      if constexpr (kNoise) kept_gamma[i] = gamma[k];
      if constexpr (kLadder) kept_word[i] = w3[k];
    }
    return;
  }
  std::uint32_t* __restrict__ missing = missing_.data();
  int* __restrict__ missing_slot = missing_slot_.data();
  int count = 0;
  for (int k = 0; k < m; ++k) {
    const std::uint32_t i = customer[k] - first;
    if (made_until[i] > t) {
      if constexpr (kNoise) gamma[k] = kept_gamma[i];
      if constexpr (kLadder) w3[k] = kept_word[i];
      continue;
    }
    made_until[i] = t + 1;
    missing[count] = customer[k];
    missing_slot[count++] = k;
  }
  if (count == 0) return;
  double* __restrict__ made_gamma = missing_gamma_.data();
  std::uint32_t* __restrict__ made_word = missing_word_.data();
  make_period_draws<kNoise>(t, missing, count, made_gamma, made_word);
  for (int j = 0; j < count; ++j) {
    const std::uint32_t i = missing[j] - first;
    const int k = missing_slot[j];
    if constexpr (kNoise) gamma[k] = kept_gamma[i] = made_gamma[j];
    if constexpr (kLadder) w3[k] = kept_word[i] = made_word[j];
  }
}

// Churn by one uniform per customer, its "lifeline" U: a customer whose
// survival so far, S(t) = prod_{s <= t} (1 - q_s), falls to U or below
// churns at the end of period t. Given survival to period t (U < S(t-1)),
// that happens with probability (S(t-1) - S(t)) / S(t-1) = q_t, exactly as
// the model says, for any sequence of q_t (ladder moves, treatments). One
// draw serves every strategy and every period, and a treatment that lowers
// q can only lengthen the same customer's life: common random numbers at
// their best. No logarithm is needed anywhere.
//
// Each step (Philox words, the gamma fast path, revenue and churn) is a loop
// over the active customers that the compiler vectorises, and no random
// word is made for a customer who has left. With kPerCustomer each customer
// has its own treatment; the arithmetic is written so that a customer gets
// the same bits as under a fixed treatment equal to its own.
template <bool kNoise, bool kLadder, bool kPerCustomer>
void CustomerBlock::step_as(int t, int fixed, CohortTally& tally, int row,
                            ClvHistogram& histogram) {
  const ModelPlan& plan = *plan_;
  const SegmentPlan& segment = *segment_;
  const int top_level = static_cast<int>(plan.level_churn.size()) - 1;
  const double* level_churn = plan.level_churn.data();
  const double* level_revenue = plan.level_revenue.data();
  const TreatmentEffect* effects = segment.effect_of_treatment.data();
  const TreatmentEffect fixed_effect = effects[kPerCustomer ? 0 : fixed];
  const int m = m_;

  // Plain pointers, promised not to overlap, so the loops vectorise.
  std::uint32_t* __restrict__ a_customer = a_.customer.data();
  int* __restrict__ a_start = a_.start.data();
  int* __restrict__ a_level = a_.level.data();
  unsigned char* __restrict__ a_initial = a_.initial.data();
  const unsigned char* __restrict__ a_treatment = a_.treatment.data();
  double* __restrict__ a_lifeline = a_.lifeline.data();
  double* __restrict__ a_theta = a_.theta.data();
  double* __restrict__ a_mu = a_.mu.data();
  double* __restrict__ a_survival = a_.survival.data();
  double* __restrict__ a_revenue_sum = a_.discounted_revenue.data();
  double* __restrict__ a_cost_sum = a_.discounted_cost.data();
  double* __restrict__ a_last_revenue = a_.last_revenue.data();
  double* __restrict__ a_last_profit = a_.last_profit.data();
  const std::uint32_t* __restrict__ w3 = a_.word[3].data();
  const double* __restrict__ a_gamma = a_.gamma.data();
  double* __restrict__ a_revenue = a_.revenue.data();
  unsigned char* __restrict__ a_leaves = a_.leaves.data();

  if constexpr (kNoise || kLadder) {
    if (keep_) {
      fetch_period_draws<kNoise, kLadder>(t);
    } else {
      make_period_draws<kNoise>(t, a_customer, m, a_.gamma.data(), a_.word[3].data());
    }
  }

  const double d = plan.discount[t];
  const double noise_scale = segment.noise_scale;
  const double margin = segment.margin;
  const double cost_to_serve = segment.cost_to_serve;
  int first_scalar = 0;
#if defined(CLVSIM_STEP_SIMD)
  if constexpr (!kPerCustomer) {
    const simd::PeriodSlots slots{a_level, a_mu, a_gamma, a_theta, a_lifeline,
                                  a_survival, a_revenue_sum, a_revenue, a_leaves};
    const int levels = top_level + 1;
    const auto run = [&]<simd::Levels kLevels>() {
      return simd::revenue_churn_fixed<kNoise, kLevels>(
          slots, m, fixed_effect.revenue, fixed_effect.churn, level_revenue, level_churn,
          levels, plan.start_level, d, noise_scale);
    };
    if constexpr (!kLadder) {
      first_scalar = run.template operator()<simd::Levels::kStart>();
    } else if (levels <= 8) {
      first_scalar = run.template operator()<simd::Levels::kPermute>();
    } else {
      first_scalar = run.template operator()<simd::Levels::kGather>();
    }
  }
#endif
  for (int k = first_scalar; k < m; ++k) {
    const TreatmentEffect& e = kPerCustomer ? effects[a_treatment[k]] : fixed_effect;
    const int level = kLadder ? a_level[k] : plan.start_level;
    double revenue = a_mu[k] * (e.revenue * level_revenue[level]);
    if constexpr (kNoise) revenue *= a_gamma[k] * noise_scale;
    a_revenue[k] = revenue;
    a_revenue_sum[k] += d * revenue;
    const double q = std::min(1.0, a_theta[k] * (e.churn * level_churn[level]));
    a_survival[k] *= 1.0 - q;
    a_leaves[k] = a_survival[k] <= a_lifeline[k];  // churns at the end of t
    if constexpr (kPerCustomer) {
      a_cost_sum[k] += d * e.cost;
      a_last_revenue[k] = revenue;
      a_last_profit[k] = revenue * margin - cost_to_serve - e.cost;
    }
  }
  if (!kPerCustomer && fixed_effect.cost != 0) {
    const double cost = d * fixed_effect.cost;
    for (int k = 0; k < m; ++k) a_cost_sum[k] += cost;
  }

  // Treatment cost from whole counts per treatment, summed in treatment
  // order: a fixed treatment gives the same bits as customers who each
  // picked it.
  double cost[kCohorts] = {0.0, 0.0};
  if constexpr (kPerCustomer) {
    const int treatments = static_cast<int>(segment.effect_of_treatment.size());
    int count[kCohorts][256] = {};
    for (int k = 0; k < m; ++k) {
      ++count[a_initial[k] ? kInitialCohort : kAcquiredCohort][a_treatment[k]];
    }
    for (int c = 0; c < kCohorts; ++c) {
      for (int tr = 0; tr < treatments; ++tr) cost[c] += effects[tr].cost * count[c][tr];
    }
  } else {
    cost[kInitialCohort] = fixed_effect.cost * m_initial_;
    cost[kAcquiredCohort] = fixed_effect.cost * (m - m_initial_);
  }
  const LaneSums sums = lane_sums(a_revenue, a_initial, m);
  double* initial = tally.row(row, kInitialCohort) + t * kTallyFields;
  double* acquired = tally.row(row, kAcquiredCohort) + t * kTallyFields;
  initial[kActive] += m_initial_;
  initial[kRevenue] += sums.flagged;
  initial[kTreatmentCost] += cost[kInitialCohort];
  acquired[kActive] += m - m_initial_;
  acquired[kRevenue] += sums.all - sums.flagged;
  acquired[kTreatmentCost] += cost[kAcquiredCohort];

  if constexpr (kLadder) {
    for (int k = 0; k < m; ++k) {
      const TreatmentEffect& e = kPerCustomer ? effects[a_treatment[k]] : fixed_effect;
      const double u = uniform_open(w3[k]);
      const int level = a_level[k];
      const int moved = u < e.up            ? std::min(level + 1, top_level)
                        : u < e.up + e.down ? std::max(level - 1, 0)
                                            : level;
      a_level[k] = a_leaves[k] ? level : moved;
    }
  }

  // Leavers: record their value, fill their slot with the last active
  // customer (already visited, so never a leaver).
  int active = m;
  const auto leave = [&](int k) {
    if (a_initial[k]) {
      histogram.add(discounted_profit(plan, segment, a_revenue_sum[k], a_cost_sum[k],
                                      a_start[k], t + 1));
    }
    m_initial_ -= a_initial[k];
    const int last = --active;
    if (k == last) return;
    // Through the same pointers the loops use.
    a_customer[k] = a_customer[last];
    a_start[k] = a_start[last];
    a_level[k] = a_level[last];
    a_initial[k] = a_initial[last];
    a_lifeline[k] = a_lifeline[last];
    a_theta[k] = a_theta[last];
    a_mu[k] = a_mu[last];
    a_survival[k] = a_survival[last];
    a_revenue_sum[k] = a_revenue_sum[last];
    a_cost_sum[k] = a_cost_sum[last];
    a_last_revenue[k] = a_last_revenue[last];
    a_last_profit[k] = a_last_profit[last];
  };
#if defined(CLVSIM_STEP_SIMD)
  simd::for_each_flagged_descending(a_leaves, m, leave);
#else
  for (int k = m - 1; k >= 0; --k) {
    if (a_leaves[k]) leave(k);
  }
#endif
  m_ = active;
}

void CustomerBlock::step(int t, int fixed, CohortTally& tally, int row,
                         ClvHistogram& histogram) {
  const bool noise = segment_->noise.has_value();
  const bool ladder = plan_->ladder_moves;
  const bool per_customer = fixed < 0;
  // Eight instances, so that no loop below tests a setting per customer.
  if (per_customer) {
    if (noise && ladder) return step_as<true, true, true>(t, fixed, tally, row, histogram);
    if (noise) return step_as<true, false, true>(t, fixed, tally, row, histogram);
    if (ladder) return step_as<false, true, true>(t, fixed, tally, row, histogram);
    return step_as<false, false, true>(t, fixed, tally, row, histogram);
  }
  if (noise && ladder) return step_as<true, true, false>(t, fixed, tally, row, histogram);
  if (noise) return step_as<true, false, false>(t, fixed, tally, row, histogram);
  if (ladder) return step_as<false, true, false>(t, fixed, tally, row, histogram);
  return step_as<false, false, false>(t, fixed, tally, row, histogram);
}

}  // namespace clvsim
