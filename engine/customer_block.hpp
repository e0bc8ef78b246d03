// One block of a segment's customers in one replication, simulated period by
// period under one strategy at a time.
//
// Contract: what a block adds to tallies and histograms depends only on the
// plan, the stream key, its customer range and the treatments it is given,
// never on the thread that runs it or on other blocks. A customer's draws
// come from its own keyed streams (random_stream.hpp), the same under every
// strategy (common random numbers). The same calls serve both ways of
// running: a whole block through all periods (strategies without a budget)
// and all blocks of a replication period by period (budgets), so both give
// the same bits for the same treatments.
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
CohortSchedule draw_cohort_schedule(const ModelPlan& plan, const SegmentPlan& segment,
                                    const StreamKey& key);

// A customer who wants a paid treatment under a budget, ranked by `rank`
// (lower is served first): its value score, then a tie-break.
struct BudgetCandidate {
  std::uint64_t rank_score;  // order-preserving code of the score, highest first
  std::uint64_t rank_tie;    // unique per customer in a replication
  double cost;
};

// The budget's order: a candidate ranked before another is served first.
// Ranks are unique within a replication (rank_tie), so the order is total.
inline bool ranked_before(const BudgetCandidate& a, const BudgetCandidate& b) {
  return a.rank_score != b.rank_score ? a.rank_score < b.rank_score
                                      : a.rank_tie < b.rank_tie;
}

// A customer's discounted profit from acquisition at `start` up to the
// start of period `end`, from its running discounted revenue and treatment
// cost. One definition, so a CLV recorded anywhere has the same bits.
inline double discounted_profit(const ModelPlan& plan, const SegmentPlan& segment,
                                double discounted_revenue, double discounted_cost,
                                int start, int end) {
  const double* before = plan.discount_before.data();
  return discounted_revenue * segment.margin -
         segment.cost_to_serve * (before[end] - before[start]) - discounted_cost;
}

class CustomerBlock {
 public:
  // Draws the once-per-customer values of customers [first, last) of
  // `segment`; the block keeps pointers to plan, segment and key, which must
  // outlive it.
  void draw(const ModelPlan& plan, const SegmentPlan& segment, const StreamKey& key,
            const CohortSchedule& schedule, std::uint64_t first, std::uint64_t last);

  // Frees the buffers draw() needs only while drawing.
  void release_draw_buffers();
  // Keeps every period's strategy-independent draws (revenue noise, ladder
  // word) once made, until the next draw(), so that the block's later
  // strategies read them instead of making them again: Philox and the gamma
  // sampler were a third of the kernel's time, and another strategy mostly
  // meets the same customer-periods. Costs 12 bytes per customer-period of
  // the block; worth it only when the block runs more than one strategy.
  void keep_period_draws();
  // Starts a strategy afresh: nobody active yet.
  void begin_strategy();
  // Admits the customers acquired in period t; periods must come in order.
  void admit(int t);
  int active() const { return m_; }
  // The next period with an arrival, or the horizon when none is left.
  int next_arrival() const;

  // Sets every active customer's treatment for period t by the rules of
  // strategy `s`, reading observable state only (see Rule in scenario.hpp).
  void decide(int s, int t);
  // Lists the customers whose chosen treatment costs money, ranked by
  // `score`, remembering who they are for apply_budget(). After decide().
  void find_budget_candidates(ValueScore score);
  const std::vector<BudgetCandidate>& budget_candidates() const { return candidate_; }
  // Moves every candidate ranked at or after `first_unserved` (in the order
  // of BudgetCandidate) to "none" and counts them in `tally` (strategy row
  // `row`). An empty `first_unserved` serves everyone.
  void apply_budget(const BudgetCandidate* first_unserved, int t, CohortTally& tally,
                    int row);

  // Simulates period t for the active customers: with the fixed treatment
  // `fixed`, or each customer's own (decide()) when fixed < 0. Adds to
  // strategy row `row` of `tally`; leavers' CLV goes to `histogram`.
  void step(int t, int fixed, CohortTally& tally, int row, ClvHistogram& histogram);
  // Records the CLV of the customers still active after the last period.
  void finish(ClvHistogram& histogram);

 private:
  template <bool kNoise, bool kLadder, bool kPerCustomer>
  void step_as(int t, int fixed, CohortTally& tally, int row, ClvHistogram& histogram);
  template <bool kNoise>
  void make_period_draws(int t, const std::uint32_t* customers, int count, double* gamma,
                         std::uint32_t* w3);
  template <bool kNoise, bool kLadder>
  void fetch_period_draws(int t);
  void draw_settled(const std::uint32_t* const* words, int prefilled);
  double value_so_far(int k, int t) const;
  void record_clv(int k, int end, ClvHistogram& histogram) const;

  const ModelPlan* plan_ = nullptr;
  const SegmentPlan* segment_ = nullptr;
  const StreamKey* key_ = nullptr;
  std::uint64_t tie_salt_ = 0;

  // Every customer of the block, in index order, with the draws made once
  // at acquisition.
  int n_ = 0;
  std::vector<std::uint32_t> customer_;
  std::vector<int> start_;
  std::vector<double> lifeline_, theta_, mu_;

  // The customers active under the strategy being simulated, as parallel
  // arrays without gaps (a leaver's slot takes the last customer), so every
  // step is a loop the compiler vectorises.
  int m_ = 0, m_initial_ = 0, next_ = 0;
  struct Active {
    std::vector<std::uint32_t> customer;
    std::vector<int> start, level;
    std::vector<unsigned char> initial, treatment;
    std::vector<double> lifeline, theta, mu, survival;
    std::vector<double> discounted_revenue, discounted_cost, last_revenue, last_profit;
    // This period only: value so far (decide()), Philox words, draws,
    // revenue, who leaves (step()).
    std::vector<double> value;
    std::vector<std::uint32_t> word[4];
    std::vector<double> gamma, revenue;
    std::vector<unsigned char> fast, leaves;
    void resize(int n);
  } a_;
  // This period's budget candidates: their slots and ranks.
  std::vector<int> candidate_slot_;
  std::vector<BudgetCandidate> candidate_;
  std::vector<std::uint32_t> setup_word_[4 * kMaxSetupBlocks];
  // draw_settled(): up to three gamma draws per customer, whether each took
  // the fast path, and who is done.
  std::vector<double> setup_gamma_[3];
  std::vector<unsigned char> setup_fast_[3], setup_settled_;

  // keep_period_draws(): customer i's draws of period t are at [t * n_ + i]
  // for t < made_until_[i]; customer indices are first_ + i.
  bool keep_ = false, first_pass_ = false;
  int passes_ = 0;  // strategies begun since keep_period_draws()
  std::uint32_t first_ = 0;
  std::vector<int> made_until_, missing_slot_;
  std::vector<double> kept_gamma_, missing_gamma_;
  std::vector<std::uint32_t> kept_word_, missing_, missing_word_;
};

// Adds profit to the sums of a whole cohort (all blocks added): it is
// linear in revenue, active customers and treatment cost.
void finish_tally(const ModelPlan& plan, const SegmentPlan& segment, CohortTally& tally);

}  // namespace clvsim
