// Running a scenario.
//
// run_simulation() is deterministic: for the same Scenario (seed and
// replications included) it returns bit-identical Results, whatever
// `threads` is, except for Results::statistics. Work is cut into fixed
// blocks of customers whose tallies are merged in block order, and
// replications are reduced in replication order.
#pragma once

#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"

namespace clvsim {

struct RunOptions {
  int threads = 0;  // 0 = all hardware threads
};

Results run_simulation(const Scenario& scenario, const RunOptions& options = {});

}  // namespace clvsim
