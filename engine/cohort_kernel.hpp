// The block-by-block pass: a block of customers through all periods under
// every strategy that has no budget, one strategy after another. A block's
// state stays in cache and nothing waits for other blocks.
#pragma once

#include <cstdint>

#include "clv_histogram.hpp"
#include "cohort_tally.hpp"
#include "customer_block.hpp"
#include "model_plan.hpp"
#include "random_stream.hpp"

namespace clvsim {

// Simulates customers [first, last) of `segment` and adds to `tally` and to
// `histograms[strategy]` (initial-cohort CLV only). Strategies with a budget
// are left to run_budgeted_strategy(). `block` is reused storage.
void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last, CohortTally& tally,
                        ClvHistogram* histograms, CustomerBlock& block);

}  // namespace clvsim
