// The period-by-period pass that budgets need.
//
// A budget couples every customer of a replication: who is served in period
// t depends on what all the others want. So a budgeted strategy runs over
// all blocks of all segments of one replication together, one period at a
// time: every block decides in parallel, one deterministic selection over
// the whole cohort rations the treatments, then every block simulates the
// period in parallel. Memory is per customer (about 200 bytes) instead of
// per block; the blocks and their summing tree are those of the
// block-by-block pass, so an unbinding budget gives the same bits as none.
#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <atomic>
#include <optional>
#include <vector>

#include "clv_histogram.hpp"
#include "clvsim/progress.hpp"
#include "cohort_tally.hpp"
#include "customer_block.hpp"
#include "model_plan.hpp"

namespace clvsim {

// [segment * strategies + strategy], one set per thread; integer counts, so
// merging them in any order gives the same result.
using Histograms = std::vector<ClvHistogram>;
using ThreadHistograms = tbb::enumerable_thread_specific<Histograms>;

// Simulates budgeted strategy `s` in one replication and adds its sums to
// strategy row `s` of tallies[segment]. Throws RunCancelled when `cancel`
// is set. Adds to `progress`, when given, once per period.
void run_budgeted_strategy(const ModelPlan& plan, int s, std::uint32_t replication,
                           std::vector<CohortTally>& tallies, ThreadHistograms& histograms,
                           const std::atomic<bool>* cancel, RunProgress* progress = nullptr);

// The first candidate, in rank order, that the budget cannot serve: serving
// candidates in rank order, the spend would first exceed `cap` with it.
// None when all of them fit. Reorders `candidates`.
std::optional<BudgetCandidate> first_unserved(std::vector<BudgetCandidate>& candidates,
                                              double cap);

}  // namespace clvsim
