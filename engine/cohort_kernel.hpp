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

// A block's customers and their once-per-customer draws, in index order.
struct BlockCustomers {
  std::vector<std::uint32_t> customer;
  std::vector<int> start;  // period of acquisition
  std::vector<double> lifeline, theta, mu;
  // Setup blocks made for all customers at once: [4 * block + word][i].
  std::vector<std::uint32_t> setup_word[4 * kMaxSetupBlocks];

  void resize(int n) {
    for (auto& w : setup_word) w.resize(n);
    customer.resize(n);
    start.resize(n);
    lifeline.resize(n);
    theta.resize(n);
    mu.resize(n);
  }
};

// The customers still active under the strategy being simulated, as
// parallel arrays without gaps, with this period's random words.
struct ActiveCustomers {
  std::vector<std::uint32_t> customer;
  std::vector<int> start, level;
  std::vector<unsigned char> initial;  // in the initial cohort
  std::vector<double> lifeline, theta, mu, survival, discounted_revenue;
  std::vector<std::uint32_t> word[4];  // this period's Philox block
  std::vector<double> gamma, revenue;
  std::vector<unsigned char> fast, leaves;

  void resize(int n) {
    for (auto* v : {&customer, &word[0], &word[1], &word[2], &word[3]}) v->resize(n);
    for (auto* v : {&start, &level}) v->resize(n);
    for (auto* v : {&lifeline, &theta, &mu, &survival, &discounted_revenue, &gamma, &revenue}) {
      v->resize(n);
    }
    for (auto* v : {&initial, &fast, &leaves}) v->resize(n);
  }
};

// Buffers reused across calls so the loop never allocates once warm.
struct KernelScratch {
  BlockCustomers block;
  ActiveCustomers active;
};

// Simulates customers [first, last) and adds to `tally` and to
// `histograms[strategy]` (initial-cohort CLV only). The tally holds active
// counts and revenue per period until finish_tally() adds profit and cost.
// Blocks should be a few thousand customers: state is kept per customer.
void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last,
                        CohortTally& tally, ClvHistogram* histograms,
                        KernelScratch& scratch);

// Adds profit and treatment cost per period to the sums of a whole cohort
// (all blocks added). Profit is linear in revenue and
// active customers because a strategy gives a segment one treatment for
// life; a strategy whose treatment varies over a customer's life would tally
// its cost per period instead.
void finish_tally(const ModelPlan& plan, const SegmentPlan& segment,
                  CohortTally& tally);

}  // namespace clvsim
