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

template <int kBatch>
CustomerDraws draw_customer(const SegmentPlan& segment, const StreamKey& key,
                            std::uint32_t customer) {
  BatchedWordEngine<kBatch> setup(key, customer, 0, Purpose::kSetup);
  CustomerDraws d;
  d.lifeline = uniform_open(setup());
  d.theta = segment.beta ? (*segment.beta)(setup) : segment.churn_p;
  d.mu = segment.heterogeneity
             ? (*segment.heterogeneity)(setup) * segment.heterogeneity_scale
             : segment.revenue_mean;
  return d;
}

// Churn by one uniform per customer, its "lifeline" U: a customer whose
// survival so far, S(t) = prod_{s <= t} (1 - q_s), falls to U or below
// churns at the end of period t. Given survival to period t (U < S(t-1)),
// that happens with probability (S(t-1) - S(t)) / S(t-1) = q_t, exactly as
// the model says, for any sequence of q_t (ladder moves, treatments). One
// draw serves every strategy and every period, and a treatment that lowers
// q can only lengthen the same customer's life: common random numbers at
// their best. No logarithm is needed anywhere.

constexpr int kPeriodChunk = 8;  // periods whose random words are made together

template <bool kNoise, bool kLadder>
void simulate_range(const ModelPlan& plan, const SegmentPlan& segment,
                    const StreamKey& key, const CohortSchedule& schedule,
                    std::uint64_t first, std::uint64_t last, CohortTally& tally,
                    ClvHistogram* histograms, KernelScratch& scratch) {
  const int horizon = plan.horizon;
  const int strategies = plan.strategies;
  const int top_level = static_cast<int>(plan.level_churn.size()) - 1;
  const double* discount = plan.discount.data();
  const double* discount_before = plan.discount_before.data();
  const double* level_churn = plan.level_churn.data();
  const double* level_revenue = plan.level_revenue.data();
  double* revenue_factor = scratch.revenue_factor.data();
  double* ladder_u = scratch.ladder_u.data();
  const auto& starts = schedule.first_index;
  StreamKey::Block chunk[kPeriodChunk];
  double fast_gamma[kPeriodChunk];
  bool fast_ok[kPeriodChunk];

  // Period in which customer `first` is acquired; advanced as we go.
  int start = static_cast<int>(
      std::upper_bound(starts.begin(), starts.end(), first) - starts.begin() - 1);

  for (std::uint64_t i = first; i < last; ++i) {
    while (i >= starts[start + 1]) ++start;
    const auto customer = static_cast<std::uint32_t>(i);
    const int cohort = start == 0 ? kInitialCohort : kAcquiredCohort;
    // A Beta draw takes about four blocks of words: fetch them together.
    const CustomerDraws draws = segment.beta
                                    ? draw_customer<4>(segment, key, customer)
                                    : draw_customer<1>(segment, key, customer);
    int drawn_until = start;   // period draws exist for [start, drawn_until)
    int blocks_until = start;  // Philox blocks exist for [start, blocks_until)
    int chunk_first = start;   // period of chunk's first block

    for (int s = 0; s < strategies; ++s) {
      const TreatmentEffect& effect = segment.effect_of_strategy[s];
      double* row = tally.row(s, cohort);
      int level = plan.start_level;
      int stay_level = -1;
      double stay = 1.0;       // 1 - q at the current level
      double survival = 1.0;   // S(t)
      double discounted_revenue = 0.0;
      int end = horizon;  // one past the last active period
      for (int t = start; t < horizon; ++t) {
        if constexpr (kNoise || kLadder) {
          if (t == drawn_until) {
            if (t == blocks_until) {
              // A chunk of periods at once: their blocks are independent, so
              // Philox rounds overlap instead of waiting out each block's
              // 10-round latency, and the gamma fast path runs as vector
              // code. Work past the customer's churn is the price; the
              // next strategy may use it.
              blocks_until = std::min(t + kPeriodChunk, horizon);
              const int n = blocks_until - t;
              for (int j = 0; j < n; ++j) {
                chunk[j] = key.block(customer, t + j, Purpose::kPeriod, 0);
              }
              if constexpr (kNoise) {
                for (int j = 0; j < n; ++j) {
                  fast_ok[j] = segment.noise->try_fast(chunk[j].v[0], chunk[j].v[1],
                                                       chunk[j].v[2], &fast_gamma[j]);
                }
              }
              chunk_first = t;
            }
            const int j = t - chunk_first;
            if constexpr (kNoise) {
              WordEngine extra(key, customer, t, Purpose::kPeriodExtra);
              double g = fast_gamma[j];
              if (!fast_ok[j]) {
                g = segment.noise->finish(chunk[j].v[0], chunk[j].v[1], chunk[j].v[2], extra);
              }
              revenue_factor[t] = segment.noise->boost(g, extra) * segment.noise_scale;
            }
            if constexpr (kLadder) ladder_u[t] = uniform_open(chunk[j].v[3]);
            ++drawn_until;
          }
        }
        double revenue = draws.mu * effect.revenue * level_revenue[level];
        if constexpr (kNoise) revenue *= revenue_factor[t];
        row[t * kTallyFields + kRevenue] += revenue;
        discounted_revenue += discount[t] * revenue;

        if (level != stay_level) {
          stay = 1.0 - std::min(1.0, draws.theta * level_churn[level] * effect.churn);
          stay_level = level;
        }
        survival *= stay;
        if (survival <= draws.lifeline) {  // churns at the end of period t
          end = t + 1;
          break;
        }
        if constexpr (kLadder) {
          const double u = ladder_u[t];
          if (u < effect.up) {
            level = std::min(level + 1, top_level);
          } else if (u < effect.up + effect.down) {
            level = std::max(level - 1, 0);
          }
        }
      }
      // Active in [start, end): a step up and a step down, summed into
      // per-period counts by finish_tally().
      row[start * kTallyFields + kActive] += 1.0;
      if (end < horizon) row[end * kTallyFields + kActive] -= 1.0;
      if (cohort == kInitialCohort) {
        const double fixed_cost = segment.cost_to_serve + effect.cost;
        histograms[s].add(discounted_revenue * segment.margin -
                          fixed_cost * (discount_before[end] - discount_before[start]));
      }
    }
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
      double active = 0.0;  // whole numbers: the running sum is exact
      for (int t = 0; t < plan.horizon; ++t) {
        double* cell = row + t * kTallyFields;
        active += cell[kActive];
        cell[kActive] = active;
        cell[kTreatmentCost] = cost * active;
        cell[kProfit] =
            cell[kRevenue] * segment.margin - (segment.cost_to_serve + cost) * active;
      }
    }
  }
}

void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last,
                        CohortTally& tally, ClvHistogram* histograms,
                        KernelScratch& scratch) {
  scratch.revenue_factor.resize(plan.horizon);
  scratch.ladder_u.resize(plan.horizon);

  const bool noise = segment.noise.has_value();
  const bool ladder = plan.ladder_moves;
  if (noise && ladder) {
    simulate_range<true, true>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else if (noise) {
    simulate_range<true, false>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else if (ladder) {
    simulate_range<false, true>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  } else {
    simulate_range<false, false>(plan, segment, key, schedule, first, last, tally, histograms, scratch);
  }
}

}  // namespace clvsim
