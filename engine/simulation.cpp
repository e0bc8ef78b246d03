#include "clvsim/simulation.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>

#include "clv_histogram.hpp"
#include "cohort_kernel.hpp"
#include "cohort_tally.hpp"
#include "model_plan.hpp"
#include "random_stream.hpp"
#include "results_builder.hpp"

namespace clvsim {
namespace {

// Customers per leaf of the reduction tree. The tree's shape depends only on
// the cohort size and this grain, never on the thread count, so the order in
// which floating-point sums meet is fixed. 2,048 keeps a block's kernel state
// (about 400 KB) in one core's L2 cache: at 4,096 two threads scaled only
// 1.3-1.7x (bench/whole_run).
constexpr std::uint64_t kBlockCustomers = 2048;

// Replications in flight at once, bounded so the per-replication tallies of
// a wave stay within this many bytes. The wave size never changes results:
// replications are still reduced one by one in order.
constexpr std::size_t kWaveBytes = std::size_t{256} << 20;

using Histograms = std::vector<ClvHistogram>;  // [segment * strategies + strategy]

CohortTally simulate_segment(const ModelPlan& plan, const SegmentPlan& segment,
                             std::uint32_t replication,
                             tbb::enumerable_thread_specific<Histograms>& histograms,
                             const std::atomic<bool>* cancel) {
  const StreamKey key(plan.seed, replication, segment.index);
  const CohortSchedule schedule = draw_cohort_schedule(plan, segment, key);
  const CohortTally zero(plan.strategies, plan.horizon);
  if (schedule.size() == 0) return zero;
  CohortTally tally = tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::uint64_t>(0, schedule.size(), kBlockCustomers), zero,
      [&](const tbb::blocked_range<std::uint64_t>& range, CohortTally tally) {
        // oneTBB cancels the other blocks when one throws.
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
          throw RunCancelled();
        }
        thread_local KernelScratch scratch;
        // This segment's histograms, one per strategy, are contiguous.
        ClvHistogram* mine =
            histograms.local().data() +
            static_cast<std::size_t>(segment.index) * plan.strategies;
        simulate_customers(plan, segment, key, schedule, range.begin(),
                           range.end(), tally, mine, scratch);
        return tally;
      },
      [](CohortTally left, const CohortTally& right) {
        left.add(right);
        return left;
      },
      tbb::simple_partitioner());
  finish_tally(plan, segment, tally);
  return tally;
}

Results run_in_arena(const Scenario& scenario, int threads,
                     const std::atomic<bool>* cancel) {
  const auto started = std::chrono::steady_clock::now();
  const ModelPlan plan = make_model_plan(scenario);
  const int segments = static_cast<int>(plan.segments.size());
  const std::uint32_t replications = scenario.simulation.replications;

  tbb::enumerable_thread_specific<Histograms> histograms(
      [&] { return Histograms(static_cast<std::size_t>(plan.strategies) * segments); });
  ResultsBuilder builder(scenario);

  const std::size_t tally_bytes = static_cast<std::size_t>(plan.strategies) *
                                  kCohorts * plan.horizon * kTallyFields *
                                  sizeof(double) * segments;
  const std::uint32_t wave = static_cast<std::uint32_t>(
      std::clamp<std::size_t>(kWaveBytes / std::max<std::size_t>(tally_bytes, 1), 1, 256));

  double active_customer_periods = 0;
  std::vector<std::vector<CohortTally>> slots(wave);
  for (std::uint32_t first = 0; first < replications; first += wave) {
    const std::uint32_t count = std::min(wave, replications - first);
    tbb::parallel_for(0u, count * segments, [&](std::uint32_t job) {
      const std::uint32_t r = job / segments;
      const int g = static_cast<int>(job % segments);
      slots[r].resize(segments);
      slots[r][g] =
          simulate_segment(plan, plan.segments[g], first + r, histograms, cancel);
    });
    for (std::uint32_t r = 0; r < count; ++r) {
      builder.add_replication(slots[r]);
      for (const CohortTally& tally : slots[r]) {
        for (int s = 0; s < plan.strategies; ++s) {
          for (int c = 0; c < kCohorts; ++c) {
            for (int t = 0; t < plan.horizon; ++t) {
              active_customer_periods += tally.at(s, c, t, kActive);
            }
          }
        }
      }
    }
  }

  // Integer counts: the merge order cannot change the result.
  Histograms merged(static_cast<std::size_t>(plan.strategies) * segments);
  for (const Histograms& local : histograms) {
    for (std::size_t i = 0; i < merged.size(); ++i) merged[i].merge(local[i]);
  }
  Results results = builder.finish(merged);
  results.statistics.active_customer_periods = active_customer_periods;
  results.statistics.threads = threads;
  results.statistics.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return results;
}

}  // namespace

Results run_simulation(const Scenario& scenario, const RunOptions& options) {
  // More threads than cores would only oversubscribe them (and oneTBB warns
  // on stderr); results are the same for any count.
  const int cores = tbb::info::default_concurrency();
  const int threads = options.threads > 0 ? std::min(options.threads, cores) : cores;
  tbb::task_arena arena(threads);
  return arena.execute([&] { return run_in_arena(scenario, threads, options.cancel); });
}

}  // namespace clvsim
