// Running until the estimates are as precise as asked (run --precision).
//
// Replications run in batches of a fixed size; after each batch the 95%
// confidence intervals being watched are checked, and the run stops at the
// first batch count at which all of them are narrow enough, or at
// max_replications. Because a Simulation grown by batches equals a straight
// run (simulation.hpp), the result is bit-identical to run_simulation with
// the final replication count; only Results::statistics.precision differs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {

struct PrecisionTarget {
  enum class Metric { clv, uplift };
  // The most a 95% CI half-width may be: in currency per customer, or, when
  // `relative`, as a fraction of the estimate's absolute mean. > 0.
  double half_width = 0.0;
  bool relative = false;
  std::string text;  // the target as the user wrote it, for the report
  // clv: every strategy's CLV per customer in `segment`; uplift: every
  // comparison against the baseline in `segment` (needs 2+ strategies).
  Metric metric = Metric::clv;
  std::string segment = "total";  // a segment name or "total"
  std::uint32_t batch = 8;               // >= 1
  std::uint32_t max_replications = 1024;  // >= batch, <= kMaxReplications
};

// Whether `results` meets `target`, and which watched estimate is furthest
// from it. With fewer than 2 replications nothing is met (no interval).
PrecisionReport check_precision(const Results& results, const PrecisionTarget& target);

// Runs batches until check_precision() is met or max_replications is
// reached (the last batch is then shortened to land on it exactly). The
// scenario's simulation.replications is ignored.
//
// REQUIRES: target.segment names a segment of `scenario` or is "total";
// metric uplift only with two or more strategies (else std::invalid_argument).
// `after_batch`, when given, is called after each batch with the check so
// far and the replications run (to show progress). With options.progress,
// first adds the totals of max_replications (an upper bound) to it.
Results run_to_precision(
    const Scenario& scenario, const RunOptions& options, const PrecisionTarget& target,
    const std::function<void(const PrecisionReport&, std::uint32_t)>& after_batch = {});

}  // namespace clvsim
