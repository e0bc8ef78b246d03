// Progress counters a long run bumps as it goes, for a display to read.
//
// The engine only ever adds to these with relaxed atomic increments, once
// per finished block of customers (once per block-period in the budget
// pass): no locks, no allocation, no I/O where the work is done. Reading
// them never changes results; they are counts for a human, never inputs.
//
// Work is measured in "slots": one customer in one period under one
// strategy that the engine actually simulates (a strategy that gives a
// segment the same fixed treatment as an earlier one is copied, not
// simulated, so it costs no slots). Slots are counted per block whether or
// not its customers are still active, so their total is known before the
// run: progress_work(). With Poisson acquisition the cohort sizes are drawn
// during the run, so the total is their expectation and the done count may
// end a little above or below it; displays clamp the fraction to [0, 1].
#pragma once

#include <atomic>
#include <cstdint>

#include "clvsim/scenario.hpp"

namespace clvsim {

struct RunProgress {
  // The expected slots of everything this progress object follows.
  // run_simulation() and run_scenarios() add their scenarios' totals before
  // they start; run_to_precision() adds those of max_replications.
  std::atomic<std::uint64_t> work_total{0};
  std::atomic<std::uint64_t> work_done{0};
  // Customer-periods in which a customer was active, summed over strategies
  // (twins included, as run.json's active_customer_periods counts them).
  std::atomic<std::uint64_t> active_customer_periods{0};
  // Replications finished (reduced into their scenario's results), and how
  // many there will be (at most, for run_to_precision()).
  std::atomic<std::uint64_t> replications_total{0};
  std::atomic<std::uint64_t> replications_done{0};
  // Scenarios of run_scenarios() finished, and how many it runs.
  std::atomic<std::uint64_t> scenarios_total{0};
  std::atomic<std::uint64_t> scenarios_done{0};

  void add_work(std::uint64_t slots, std::uint64_t active) {
    work_done.fetch_add(slots, std::memory_order_relaxed);
    active_customer_periods.fetch_add(active, std::memory_order_relaxed);
  }
};

// The expected slots of `replications` replications of `scenario` (its
// simulation.replications is ignored): for every segment, the expected
// cohort size x horizon x the strategies that simulate it.
std::uint64_t progress_work(const Scenario& scenario, std::uint32_t replications);

}  // namespace clvsim
