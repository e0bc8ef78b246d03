// Running a scenario.
//
// run_simulation() is deterministic: for the same Scenario (seed and
// replications included) it returns bit-identical Results, whatever
// `threads` is, except for Results::statistics. Work is cut into fixed
// blocks of customers whose tallies are merged in block order, and
// replications are reduced in replication order.
#pragma once

#include <atomic>
#include <stdexcept>

#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"

namespace clvsim {

struct RunOptions {
  int threads = 0;  // 0 = all hardware threads; more than that runs as many
  // Polled between blocks of customers (a few milliseconds apart): once it
  // reads true, run_simulation stops and throws RunCancelled. May be set
  // from a signal handler.
  const std::atomic<bool>* cancel = nullptr;
};

class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

Results run_simulation(const Scenario& scenario, const RunOptions& options = {});

}  // namespace clvsim
