#include "budget_run.hpp"

#include <oneapi/tbb/parallel_for.h>

#include <algorithm>

#include "block_tree.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {
namespace {

// A block of one segment, with its own tally (strategy row 0).
struct BudgetBlock {
  int segment = 0;
  std::uint64_t first = 0, last = 0;
  CustomerBlock customers;
  CohortTally tally;
};

}  // namespace

std::optional<BudgetCandidate> first_unserved(std::vector<BudgetCandidate>& c, double cap) {
  double total = 0;
  for (const BudgetCandidate& x : c) total += x.cost;
  if (total <= cap) return std::nullopt;
  // Weighted quickselect: [lo, hi) holds the crossing candidate and `before`
  // is the cost of everyone ranked ahead of [lo, hi). Ranks are unique
  // (rank_tie), so the answer does not depend on the pivots.
  std::size_t lo = 0, hi = c.size();
  double before = 0;
  while (hi - lo > 32) {
    const BudgetCandidate& a = c[lo];
    const BudgetCandidate& b = c[lo + (hi - lo) / 2];
    const BudgetCandidate& z = c[hi - 1];
    const BudgetCandidate pivot =
        ranked_before(a, b) ? (ranked_before(b, z) ? b : ranked_before(a, z) ? z : a)
                            : (ranked_before(a, z) ? a : ranked_before(b, z) ? z : b);
    const auto split = std::partition(c.begin() + static_cast<std::ptrdiff_t>(lo),
                                      c.begin() + static_cast<std::ptrdiff_t>(hi),
                                      [&](const BudgetCandidate& x) { return ranked_before(x, pivot); });
    const std::size_t p = static_cast<std::size_t>(split - c.begin());
    double ahead = 0;
    for (std::size_t i = lo; i < p; ++i) ahead += c[i].cost;
    if (before + ahead > cap) {
      hi = p;
      continue;
    }
    // The pivot itself is next in rank: find it in [p, hi) and put it at p.
    for (std::size_t i = p; i < hi; ++i) {
      if (c[i].rank_tie == pivot.rank_tie && c[i].rank_score == pivot.rank_score) {
        std::swap(c[i], c[p]);
        break;
      }
    }
    before += ahead;
    if (before + pivot.cost > cap) return pivot;
    before += pivot.cost;
    lo = p + 1;
  }
  std::sort(c.begin() + static_cast<std::ptrdiff_t>(lo), c.begin() + static_cast<std::ptrdiff_t>(hi),
            ranked_before);
  for (std::size_t i = lo; i < hi; ++i) {
    before += c[i].cost;
    if (before > cap) return c[i];
  }
  // Only rounding can bring us here (the total exceeded the cap): the last
  // candidate is then the one that does not fit.
  return c[hi - 1];
}

void run_budgeted_strategy(const ModelPlan& plan, int s, std::uint32_t replication,
                           std::vector<CohortTally>& tallies, ThreadHistograms& histograms,
                           const std::atomic<bool>* cancel, RunProgress* progress) {
  const BudgetPlan& budget = *plan.budget[s];
  const int segments = static_cast<int>(plan.segments.size());
  std::vector<StreamKey> keys;
  std::vector<CohortSchedule> schedules;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::vector<BudgetBlock> blocks;
  for (int g = 0; g < segments; ++g) {
    keys.emplace_back(plan.seed, replication, plan.segments[g].index);
  }
  for (int g = 0; g < segments; ++g) {
    schedules.push_back(draw_cohort_schedule(plan, plan.segments[g], keys[g]));
    ranges.clear();
    if (schedules[g].size() > 0) list_blocks(0, schedules[g].size(), ranges);
    for (const auto& [first, last] : ranges) {
      BudgetBlock& b = blocks.emplace_back();
      b.segment = g;
      b.first = first;
      b.last = last;
    }
  }
  auto check_cancel = [&] {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw RunCancelled();
  };
  auto histogram = [&](const BudgetBlock& b) -> ClvHistogram& {
    return histograms.local()[static_cast<std::size_t>(b.segment) * plan.strategies + s];
  };
  auto each_block = [&](auto body) {
    tbb::parallel_for(std::size_t{0}, blocks.size(), [&](std::size_t i) { body(blocks[i]); });
  };

  each_block([&](BudgetBlock& b) {
    b.customers.draw(plan, plan.segments[b.segment], keys[b.segment], schedules[b.segment],
                     b.first, b.last);
    b.customers.release_draw_buffers();
    b.customers.begin_strategy();
    b.tally = CohortTally(1, plan.horizon);
  });
  std::uint64_t cohort = 0;  // progress slots of one period: every customer
  for (const CohortSchedule& schedule : schedules) cohort += schedule.size();
  std::vector<BudgetCandidate> candidates;
  for (int t = 0; t < plan.horizon; ++t) {
    check_cancel();
    each_block([&](BudgetBlock& b) {
      b.customers.admit(t);
      if (b.customers.active() == 0) return;
      b.customers.decide(s, t);
      b.customers.find_budget_candidates(budget.rank_by);
    });
    candidates.clear();
    for (const BudgetBlock& b : blocks) {
      if (b.customers.active() == 0) continue;
      const auto& mine = b.customers.budget_candidates();
      candidates.insert(candidates.end(), mine.begin(), mine.end());
    }
    const std::optional<BudgetCandidate> cut = first_unserved(candidates, budget.per_period);
    each_block([&](BudgetBlock& b) {
      if (b.customers.active() == 0) return;
      b.customers.apply_budget(cut ? &*cut : nullptr, t, b.tally, 0);
      b.customers.step(t, -1, b.tally, 0, histogram(b));
    });
    if (progress != nullptr) {
      double active = 0;
      for (const BudgetBlock& b : blocks) {
        active += b.tally.at(0, kInitialCohort, t, kActive) + b.tally.at(0, kAcquiredCohort, t, kActive);
      }
      progress->add_work(cohort, static_cast<std::uint64_t>(active));
    }
  }
  each_block([&](BudgetBlock& b) { b.customers.finish(histogram(b)); });

  // Each segment's block tallies summed up the same tree as the
  // block-by-block pass.
  std::size_t next = 0;
  for (int g = 0; g < segments; ++g) {
    if (schedules[g].size() == 0) continue;
    const std::size_t first_block = next;
    while (next < blocks.size() && blocks[next].segment == g) ++next;
    const CohortTally sum = reduce_blocks(0, schedules[g].size(), [&](std::uint64_t first, std::uint64_t) {
      const auto it = std::lower_bound(
          blocks.begin() + static_cast<std::ptrdiff_t>(first_block),
          blocks.begin() + static_cast<std::ptrdiff_t>(next), first,
          [](const BudgetBlock& b, std::uint64_t x) { return b.first < x; });
      return it->tally;
    });
    tallies[g].copy_strategy(s, sum, 0);
  }
}

}  // namespace clvsim
