#include "clvsim/precision.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "clvsim/checkpoint.hpp"
#include "run_growth.hpp"

namespace clvsim {
namespace {

// How far an interval is from its target: half-width / allowed, so <= 1
// meets it. A relative target on a mean of exactly 0 is never met.
double shortfall(const Interval& ci, double mean, const PrecisionTarget& target,
                 double& allowed) {
  const double half = 0.5 * (ci.high - ci.low);
  allowed = target.relative ? target.half_width * std::fabs(mean) : target.half_width;
  if (!std::isfinite(half)) return INFINITY;  // one replication: no interval
  if (allowed <= 0) return half > 0 ? INFINITY : 0.0;
  return half / allowed;
}

}  // namespace

PrecisionReport check_precision(const Results& results, const PrecisionTarget& target) {
  PrecisionReport report;
  report.target = target.text;
  report.metric = target.metric == PrecisionTarget::Metric::clv ? "clv" : "uplift";
  report.segment = target.segment;
  report.batch = target.batch;
  report.max_replications = target.max_replications;

  double worst = -1;
  const auto watch = [&](const std::string& name, const Interval& ci, double mean) {
    double allowed = 0;
    const double ratio = shortfall(ci, mean, target, allowed);
    if (ratio > worst) {
      worst = ratio;
      report.widest = name;
      report.half_width = 0.5 * (ci.high - ci.low);
      report.needed = allowed;
    }
  };
  if (target.metric == PrecisionTarget::Metric::clv) {
    for (const StrategySummary& s : results.strategies) {
      for (const SegmentSummary& g : s.segments) {
        if (g.name == target.segment) watch(s.name, g.clv_ci95, g.clv.mean);
      }
    }
  } else {
    for (const Comparison& c : results.comparisons) {
      if (c.segment == target.segment) {
        watch(c.strategy + " - " + c.baseline, c.clv_uplift_ci95, c.clv_uplift.mean);
      }
    }
  }
  if (worst < 0) {
    throw std::invalid_argument("precision target: nothing to watch in segment " +
                                target.segment);
  }
  report.met = worst <= 1.0;
  return report;
}

Results run_to_precision(
    const Scenario& scenario, const RunOptions& options, const PrecisionTarget& target,
    const std::function<void(const PrecisionReport&, std::uint32_t)>& after_batch) {
  if (target.batch < 1 || target.max_replications < target.batch ||
      target.max_replications > kMaxReplications || !(target.half_width > 0)) {
    throw std::invalid_argument("precision target: needs half_width > 0 and "
                                "1 <= batch <= max_replications <= kMaxReplications");
  }
  if (options.progress != nullptr) {
    // How many replications the run takes is unknown: the totals are those
    // of max_replications, an upper bound.
    options.progress->work_total.fetch_add(progress_work(scenario, target.max_replications));
    options.progress->replications_total.fetch_add(target.max_replications);
  }
  tbb::task_arena arena(thread_count(options.threads));
  return arena.execute([&] {
    Simulation simulation(scenario, options.cancel, options.progress, options.cluster);
    // A resumed run must stop where a straight one would: same target and
    // batch, and saved only at batch ends, where the straight run checked
    // and went on (or stopped, and then stops again here).
    const std::string plan = "precision " + target.text + " batch " +
                             std::to_string(target.batch) + " max " +
                             std::to_string(target.max_replications) + " metric " +
                             (target.metric == PrecisionTarget::Metric::uplift ? "uplift" : "clv") +
                             " segment " + target.segment;
    bool resumed = resume_saved_work(simulation, scenario, options, plan,
                                     target.max_replications) > 0;
    for (;;) {
      const std::uint32_t done = simulation.replications();
      if (!resumed) {
        const std::uint32_t batch = std::min(target.batch, target.max_replications - done);
        grow(simulation, batch, options, batch);
      }
      resumed = false;
      Results results = simulation.results();
      PrecisionReport report = check_precision(results, target);
      if (after_batch) after_batch(report, simulation.replications());
      if (report.met || simulation.replications() >= target.max_replications) {
        if (options.checkpoint != nullptr) options.checkpoint->flush(cluster_of(options));
        results.statistics.precision = std::move(report);
        return results;
      }
    }
  });
}

}  // namespace clvsim
