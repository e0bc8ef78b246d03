// The inner loop: customers of one segment in one replication, each
// simulated through all periods under every strategy, in customer order.
//
// Contract: the tallies and histograms it adds to depend only on the plan,
// the stream key and the customer range, never on which thread calls it.
// A customer's draws come from its own keyed streams (random_stream.hpp):
// the same under every strategy (common random numbers), and the same in a
// period-by-period pass over a cohort, which calls draw_period() and the
// same step rules.
#pragma once

#include <cstdint>
#include <vector>

#include "clv_histogram.hpp"
#include "cohort_tally.hpp"
#include "model_plan.hpp"
#include "random_stream.hpp"

namespace clvsim {

// Who is in a segment's cohort in one replication: the initial customers
// (indices [0, initial)), then those acquired in period t >= 1, indices
// [first_index[t], first_index[t + 1]).
struct CohortSchedule {
  std::vector<std::uint64_t> first_index;  // size horizon + 1
  std::uint64_t size() const { return first_index.back(); }
};

// Draws the acquisition counts of one segment in one replication.
CohortSchedule draw_cohort_schedule(const ModelPlan& plan,
                                    const SegmentPlan& segment,
                                    const StreamKey& key);

// Buffers reused across calls so the loop never allocates.
struct KernelScratch {
  std::vector<double> revenue_factor;  // [t] noise draw / shape, or 1
  std::vector<double> ladder_u;        // [t] uniform for the ladder move
};

// Simulates customers [first, last) and adds to `tally` and to
// `histograms[strategy]` (initial-cohort CLV only). The tally holds raw
// sums until finish_tally(): revenue per period, and active counts as
// +1 where a customer starts and -1 where it has left.
void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last,
                        CohortTally& tally, ClvHistogram* histograms,
                        KernelScratch& scratch);

// Turns the raw sums of a whole cohort (all blocks added) into per-period
// active counts, profit and treatment cost. Profit is linear in revenue and
// active customers because a strategy gives a segment one treatment for
// life; a strategy whose treatment varies over a customer's life would tally
// its cost per period instead.
void finish_tally(const ModelPlan& plan, const SegmentPlan& segment,
                  CohortTally& tally);

}  // namespace clvsim
