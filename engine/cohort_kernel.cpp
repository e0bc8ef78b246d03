#include "cohort_kernel.hpp"

#include <algorithm>
#include <cmath>

namespace clvsim {
namespace {

// Strategy-independent draws made once, when a customer is acquired.
struct CustomerDraws {
  double lifeline;  // U(0,1): the customer churns once its survival falls to it
  double theta;  // churn propensity
  double mu;     // personal mean revenue
};

CustomerDraws draw_customer(const SegmentPlan& segment, PrefilledWordEngine& setup) {
  CustomerDraws d;
  d.lifeline = uniform_open(setup());
  d.theta = segment.beta ? (*segment.beta)(setup) : segment.churn_p;
  d.mu = segment.heterogeneity
             ? (*segment.heterogeneity)(setup) * segment.heterogeneity_scale
             : segment.revenue_mean;
  return d;
}

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

// Churn by one uniform per customer, its "lifeline" U: a customer whose
// survival so far, S(t) = prod_{s <= t} (1 - q_s), falls to U or below
// churns at the end of period t. Given survival to period t (U < S(t-1)),
// that happens with probability (S(t-1) - S(t)) / S(t-1) = q_t, exactly as
// the model says, for any sequence of q_t (ladder moves, treatments). One
// draw serves every strategy and every period, and a treatment that lowers
// q can only lengthen the same customer's life: common random numbers at
// their best. No logarithm is needed anywhere.
//
// The loop is period by period over the block's active customers, kept in
// parallel arrays without gaps (a leaver's slot takes the last customer):
// each step (Philox words, the gamma fast path,
// revenue and churn) is a loop over customers that the compiler vectorises,
// and no random word is made for a customer who has left.
template <bool kNoise, bool kLadder>
void simulate_block(const ModelPlan& plan, const SegmentPlan& segment,
                    const StreamKey& key, const CohortSchedule& schedule,
                    std::uint64_t first, std::uint64_t last, CohortTally& tally,
                    ClvHistogram* histograms, KernelScratch& scratch) {
  const int horizon = plan.horizon;
  const int top_level = static_cast<int>(plan.level_churn.size()) - 1;
  const double* discount = plan.discount.data();
  const double* discount_before = plan.discount_before.data();
  const double* level_churn = plan.level_churn.data();
  const double* level_revenue = plan.level_revenue.data();
  const auto& starts = schedule.first_index;
  const int n = static_cast<int>(last - first);
  BlockCustomers& block = scratch.block;
  ActiveCustomers& a = scratch.active;
  block.resize(n);
  a.resize(n);

  // Draws made once per customer, shared by every strategy. Their first
  // blocks are made for the whole block of customers at once.
  int start = static_cast<int>(
      std::upper_bound(starts.begin(), starts.end(), first) - starts.begin() - 1);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t index = first + static_cast<std::uint64_t>(i);
    while (index >= starts[start + 1]) ++start;
    block.customer[i] = static_cast<std::uint32_t>(index);
    block.start[i] = start;
  }
  const int prefilled = segment.setup_blocks;
  const std::uint32_t* setup_words[4 * kMaxSetupBlocks];
  for (int b = 0; b < prefilled; ++b) {
    std::uint32_t* const out[4] = {block.setup_word[4 * b].data(), block.setup_word[4 * b + 1].data(),
                                   block.setup_word[4 * b + 2].data(),
                                   block.setup_word[4 * b + 3].data()};
    key.blocks(block.customer.data(), n, 0, Purpose::kSetup, static_cast<std::uint32_t>(b), out);
    for (int k = 0; k < 4; ++k) setup_words[4 * b + k] = out[k];
  }
  for (int i = 0; i < n; ++i) {
    PrefilledWordEngine setup(setup_words, prefilled, i, key, block.customer[i], 0,
                              Purpose::kSetup);
    const CustomerDraws d = draw_customer(segment, setup);
    block.lifeline[i] = d.lifeline;
    block.theta[i] = d.theta;
    block.mu[i] = d.mu;
  }

  // Plain pointers, promised not to overlap, so the per-customer loops
  // below vectorise.
  std::uint32_t* __restrict__ a_customer = a.customer.data();
  int* __restrict__ a_start = a.start.data();
  int* __restrict__ a_level = a.level.data();
  unsigned char* __restrict__ a_initial = a.initial.data();
  double* __restrict__ a_lifeline = a.lifeline.data();
  double* __restrict__ a_theta = a.theta.data();
  double* __restrict__ a_mu = a.mu.data();
  double* __restrict__ a_survival = a.survival.data();
  double* __restrict__ a_discounted = a.discounted_revenue.data();
  std::uint32_t* __restrict__ w0 = a.word[0].data();
  std::uint32_t* __restrict__ w1 = a.word[1].data();
  std::uint32_t* __restrict__ w2 = a.word[2].data();
  std::uint32_t* __restrict__ w3 = a.word[3].data();
  double* __restrict__ a_gamma = a.gamma.data();
  double* __restrict__ a_revenue = a.revenue.data();
  unsigned char* __restrict__ a_fast = a.fast.data();
  unsigned char* __restrict__ a_leaves = a.leaves.data();

  for (int s = 0; s < plan.strategies; ++s) {
    const TreatmentEffect& effect = segment.effect_of_strategy[s];
    const double fixed_cost = segment.cost_to_serve + effect.cost;
    double* initial_row = tally.row(s, kInitialCohort);
    double* acquired_row = tally.row(s, kAcquiredCohort);
    auto record_clv = [&](int k, int end) {
      if (a_initial[k]) {
        histograms[s].add(a_discounted[k] * segment.margin -
                          fixed_cost * (discount_before[end] - discount_before[a_start[k]]));
      }
    };
    int m = 0, m_initial = 0, next = 0;
    for (int t = block.start[0]; t < horizon; ++t) {
      for (; next < n && block.start[next] == t; ++next, ++m) {
        a_customer[m] = block.customer[next];
        a_start[m] = t;
        a_initial[m] = t == 0;
        m_initial += t == 0;
        a_lifeline[m] = block.lifeline[next];
        a_theta[m] = block.theta[next];
        a_mu[m] = block.mu[next];
        a_survival[m] = 1.0;
        a_discounted[m] = 0.0;
        a_level[m] = plan.start_level;
      }
      if (m == 0) {
        if (next == n) break;
        t = block.start[next] - 1;  // skip to the next arrival
        continue;
      }

      if constexpr (kNoise || kLadder) {
        std::uint32_t* const words[4] = {w0, w1, w2, w3};
        key.blocks(a_customer, m, static_cast<std::uint32_t>(t), Purpose::kPeriod, 0, words);
      }
      if constexpr (kNoise) {
        const GammaSampler& noise = *segment.noise;
        noise.try_fast_many(w0, w1, w2, m, a_gamma, a_fast);
        const bool boosted = noise.boosted();
        for (int k = 0; k < m; ++k) {
          if (a_fast[k] && !boosted) continue;
          WordEngine extra(key, a_customer[k], t, Purpose::kPeriodExtra);
          double g = a_gamma[k];
          if (!a_fast[k]) g = noise.finish(w0[k], w1[k], w2[k], extra);
          a_gamma[k] = noise.boost(g, extra);
        }
      }

      const double d = discount[t];
      const double noise_scale = segment.noise_scale;
      const double base_revenue = effect.revenue * level_revenue[plan.start_level];
      const double base_churn = effect.churn * level_churn[plan.start_level];
      for (int k = 0; k < m; ++k) {
        const int level = kLadder ? a_level[k] : plan.start_level;
        double revenue = a_mu[k] * (kLadder ? effect.revenue * level_revenue[level] : base_revenue);
        if constexpr (kNoise) revenue *= a_gamma[k] * noise_scale;
        a_revenue[k] = revenue;
        a_discounted[k] += d * revenue;
        const double q = std::min(
            1.0, a_theta[k] * (kLadder ? effect.churn * level_churn[level] : base_churn));
        a_survival[k] *= 1.0 - q;
        a_leaves[k] = a_survival[k] <= a_lifeline[k];  // churns at the end of t
      }
      const LaneSums sums = lane_sums(a_revenue, a_initial, m);
      const double initial_revenue = sums.flagged, all_revenue = sums.all;
      initial_row[t * kTallyFields + kActive] += m_initial;
      initial_row[t * kTallyFields + kRevenue] += initial_revenue;
      acquired_row[t * kTallyFields + kActive] += m - m_initial;
      acquired_row[t * kTallyFields + kRevenue] += all_revenue - initial_revenue;

      if constexpr (kLadder) {
        for (int k = 0; k < m; ++k) {
          const double u = uniform_open(w3[k]);
          const int level = a_level[k];
          const int moved = u < effect.up                 ? std::min(level + 1, top_level)
                            : u < effect.up + effect.down ? std::max(level - 1, 0)
                                                          : level;
          a_level[k] = a_leaves[k] ? level : moved;
        }
      }

      // Leavers: record their value, fill their slot with the last active
      // customer (already visited, so never a leaver).
      for (int k = m - 1; k >= 0; --k) {
        if (!a_leaves[k]) continue;
        record_clv(k, t + 1);
        m_initial -= a_initial[k];
        --m;
        if (k != m) {  // through the same pointers the loops use
          a_customer[k] = a_customer[m];
          a_start[k] = a_start[m];
          a_level[k] = a_level[m];
          a_initial[k] = a_initial[m];
          a_lifeline[k] = a_lifeline[m];
          a_theta[k] = a_theta[m];
          a_mu[k] = a_mu[m];
          a_survival[k] = a_survival[m];
          a_discounted[k] = a_discounted[m];
        }
      }
    }
    for (int k = 0; k < m; ++k) record_clv(k, horizon);  // active at the horizon
  }
}

}  // namespace

CohortSchedule draw_cohort_schedule(const ModelPlan& plan,
                                    const SegmentPlan& segment,
                                    const StreamKey& key) {
  CohortSchedule schedule;
  schedule.first_index.resize(plan.horizon + 1);
  schedule.first_index[0] = 0;
  std::uint64_t next = segment.initial_customers;
  for (int t = 1; t <= plan.horizon; ++t) {
    schedule.first_index[t] = next;
    if (t == plan.horizon) break;
    if (segment.acquisition_poisson) {
      WordEngine engine(key, kCohortIndex, t, Purpose::kAcquisition);
      next += poisson_count(segment.acquisition_per_period, engine);
    } else {
      next += static_cast<std::uint64_t>(segment.acquisition_per_period);
    }
  }
  // The loader bounds the expected cohort well below the index space; a
  // Poisson tail that still reaches it is refused rather than wrapped.
  if (next >= kMaxCustomersPerSegment) {
    throw std::runtime_error("cohort exceeds the customer index space");
  }
  return schedule;
}

void finish_tally(const ModelPlan& plan, const SegmentPlan& segment,
                  CohortTally& tally) {
  for (int s = 0; s < plan.strategies; ++s) {
    const double cost = segment.effect_of_strategy[s].cost;
    for (int c = 0; c < kCohorts; ++c) {
      double* row = tally.row(s, c);
      for (int t = 0; t < plan.horizon; ++t) {
        double* cell = row + t * kTallyFields;
        cell[kTreatmentCost] = cost * cell[kActive];
        cell[kProfit] =
            cell[kRevenue] * segment.margin - (segment.cost_to_serve + cost) * cell[kActive];
      }
    }
  }
}

void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last,
                        CohortTally& tally, ClvHistogram* histograms,
                        KernelScratch& scratch) {

  const bool noise = segment.noise.has_value();
  const bool ladder = plan.ladder_moves;
  if (noise && ladder) {
    simulate_block<true, true>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else if (noise) {
    simulate_block<true, false>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else if (ladder) {
    simulate_block<false, true>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else {
    simulate_block<false, false>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  }
}

}  // namespace clvsim
