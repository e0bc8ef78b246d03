#include "clvsim/simulation.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <chrono>

#include "clv_histogram.hpp"
#include "block_tree.hpp"
#include "budget_run.hpp"
#include "cohort_kernel.hpp"
#include "cohort_tally.hpp"
#include "model_plan.hpp"
#include "random_stream.hpp"
#include "results_builder.hpp"

namespace clvsim {
namespace {

// Replications in flight at once are bounded so that their tallies stay
// within this many bytes.
constexpr std::size_t kWaveBytes = std::size_t{256} << 20;

// Customer-periods active in `tally`, every strategy and cohort.
std::uint64_t active_in(const CohortTally& tally) {
  double active = 0;
  for (int s = 0; s < tally.strategies(); ++s) {
    for (int c = 0; c < kCohorts; ++c) {
      const double* row = tally.row(s, c);
      for (int t = 0; t < tally.horizon(); ++t) active += row[t * kTallyFields + kActive];
    }
  }
  return static_cast<std::uint64_t>(active);
}

// The block-by-block pass over one segment in one replication: every
// strategy without a budget. Profit is not yet filled in (finish_tally).
CohortTally simulate_segment(const ModelPlan& plan, const SegmentPlan& segment,
                             std::uint32_t replication, ThreadHistograms& histograms,
                             const std::atomic<bool>* cancel, RunProgress* progress) {
  const StreamKey key(plan.seed, replication, segment.index);
  const CohortSchedule schedule = draw_cohort_schedule(plan, segment, key);
  if (schedule.size() == 0 || !plan.any_unbudgeted) {
    return CohortTally(plan.strategies, plan.horizon);
  }
  // Progress slots per customer of a block: every period of every strategy
  // the kernel simulates (progress_work() counts the same).
  std::uint64_t slots_per_customer = 0;
  for (int s = 0; s < plan.strategies; ++s) {
    if (!plan.budget[s] && segment.same_as[s] < 0) slots_per_customer += plan.horizon;
  }
  return reduce_blocks(0, schedule.size(), [&](std::uint64_t first, std::uint64_t last) {
    // oneTBB cancels the other blocks when one throws.
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      throw RunCancelled();
    }
    thread_local CustomerBlock block;
    CohortTally tally(plan.strategies, plan.horizon);
    // This segment's histograms, one per strategy, are contiguous.
    ClvHistogram* mine = histograms.local().data() +
                         static_cast<std::size_t>(segment.index) * plan.strategies;
    simulate_customers(plan, segment, key, schedule, first, last, tally, mine, block);
    // Two relaxed increments per block of thousands of customer-periods.
    if (progress != nullptr) progress->add_work((last - first) * slots_per_customer, active_in(tally));
    return tally;
  });
}

// The number of replications in flight at once: their tallies stay within
// kWaveBytes. The wave size never changes results: replications are still
// reduced one by one in order.
std::uint32_t wave_size(const ModelPlan& plan) {
  const std::size_t tally_bytes = static_cast<std::size_t>(plan.strategies) *
                                  kCohorts * plan.horizon * kTallyFields *
                                  sizeof(double) * plan.segments.size();
  return static_cast<std::uint32_t>(
      std::clamp<std::size_t>(kWaveBytes / std::max<std::size_t>(tally_bytes, 1), 1, 256));
}

}  // namespace

struct Simulation::State {
  State(const Scenario& s, const std::atomic<bool>* c, RunProgress* p)
      : scenario(s),
        plan(make_model_plan(scenario)),
        histograms([this] {
          return Histograms(static_cast<std::size_t>(plan.strategies) * plan.segments.size());
        }),
        builder(scenario),
        cancel(c),
        progress(p) {}

  const Scenario scenario;  // the builder keeps a reference to it
  const ModelPlan plan;
  ThreadHistograms histograms;
  ResultsBuilder builder;
  const std::atomic<bool>* cancel;
  RunProgress* const progress;
  double active_customer_periods = 0;
  double wall_seconds = 0;
};

Simulation::Simulation(const Scenario& scenario, const std::atomic<bool>* cancel,
                       RunProgress* progress)
    : state_(std::make_unique<State>(scenario, cancel, progress)) {}

Simulation::~Simulation() = default;

std::uint32_t Simulation::replications() const { return state_->builder.replications(); }

void Simulation::add_replications(std::uint32_t replications) {
  const auto started = std::chrono::steady_clock::now();
  State& st = *state_;
  const ModelPlan& plan = st.plan;
  const int segments = static_cast<int>(plan.segments.size());
  const std::uint32_t base = st.builder.replications();
  const std::uint32_t wave = wave_size(plan);

  // Sized before the parallel loop: jobs of one replication share a row.
  std::vector<std::vector<CohortTally>> slots(std::min(wave, replications),
                                              std::vector<CohortTally>(segments));
  // Progress only: the segments of each replication of the wave still being
  // simulated. Without budgets a replication is done, for the display, when
  // its last segment is; a whole wave is reduced only at its end.
  const bool any_budget =
      std::any_of(plan.budget.begin(), plan.budget.end(), [](const auto& b) { return b.has_value(); });
  std::unique_ptr<std::atomic<int>[]> pending;
  if (st.progress != nullptr && !any_budget) {
    pending = std::make_unique<std::atomic<int>[]>(slots.size());
  }
  for (std::uint32_t first = 0; first < replications; first += wave) {
    const std::uint32_t count = std::min(wave, replications - first);
    if (pending) {
      for (std::uint32_t r = 0; r < count; ++r) pending[r].store(segments, std::memory_order_relaxed);
    }
    tbb::parallel_for(0u, count * segments, [&](std::uint32_t job) {
      const std::uint32_t r = job / segments;
      const int g = static_cast<int>(job % segments);
      slots[r][g] = simulate_segment(plan, plan.segments[g], base + first + r,
                                     st.histograms, st.cancel, st.progress);
      if (pending && pending[r].fetch_sub(1, std::memory_order_relaxed) == 1) {
        st.progress->replications_done.fetch_add(1, std::memory_order_relaxed);
      }
    });
    // A loop cut short by cancellation from outside may return without an
    // exception; never build on its half-made tallies.
    if (st.cancel != nullptr && st.cancel->load(std::memory_order_relaxed)) throw RunCancelled();
    // Budgeted strategies: each replication's whole cohort at once, its
    // blocks in parallel.
    for (std::uint32_t r = 0; r < count; ++r) {
      for (int s = 0; s < plan.strategies; ++s) {
        if (plan.budget[s]) {
          run_budgeted_strategy(plan, s, base + first + r, slots[r], st.histograms, st.cancel,
                                st.progress);
        }
      }
      if (st.progress != nullptr && any_budget) {
        st.progress->replications_done.fetch_add(1, std::memory_order_relaxed);
      }
      for (int g = 0; g < segments; ++g) finish_tally(plan, plan.segments[g], slots[r][g]);
    }
    for (std::uint32_t r = 0; r < count; ++r) {
      st.builder.add_replication(slots[r]);
      for (const CohortTally& tally : slots[r]) {
        for (int s = 0; s < plan.strategies; ++s) {
          for (int c = 0; c < kCohorts; ++c) {
            for (int t = 0; t < plan.horizon; ++t) {
              st.active_customer_periods += tally.at(s, c, t, kActive);
            }
          }
        }
      }
    }
  }
  st.wall_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

Results Simulation::results() const {
  const State& st = *state_;
  const std::size_t cells = static_cast<std::size_t>(st.plan.strategies) * st.plan.segments.size();
  // Integer counts: the merge order cannot change the result.
  Histograms merged(cells);
  for (const Histograms& local : st.histograms) {
    for (std::size_t i = 0; i < cells; ++i) merged[i].merge(local[i]);
  }
  Results results = st.builder.finish(merged);
  results.statistics.active_customer_periods = st.active_customer_periods;
  results.statistics.threads = tbb::this_task_arena::max_concurrency();
  results.statistics.wall_seconds = st.wall_seconds;
  return results;
}

int thread_count(int requested) {
  // Results are the same for any count.
  const int cores = tbb::info::default_concurrency();
  return requested > 0 ? std::min(requested, cores) : cores;
}

Results run_simulation(const Scenario& scenario, const RunOptions& options) {
  if (options.progress != nullptr) {
    const std::uint32_t replications = scenario.simulation.replications;
    options.progress->work_total.fetch_add(progress_work(scenario, replications));
    options.progress->replications_total.fetch_add(replications);
  }
  tbb::task_arena arena(thread_count(options.threads));
  return arena.execute([&] {
    Simulation simulation(scenario, options.cancel, options.progress);
    simulation.add_replications(scenario.simulation.replications);
    return simulation.results();
  });
}

std::vector<Results> run_scenarios(const std::vector<Scenario>& scenarios,
                                   const RunOptions& options,
                                   const std::function<void(std::size_t)>& finished) {
  std::vector<Results> results(scenarios.size());
  if (options.progress != nullptr) {
    std::uint64_t work = 0, replications = 0;
    for (const Scenario& scenario : scenarios) {
      work += progress_work(scenario, scenario.simulation.replications);
      replications += scenario.simulation.replications;
    }
    options.progress->work_total.fetch_add(work);
    options.progress->replications_total.fetch_add(replications);
    options.progress->scenarios_total.fetch_add(scenarios.size());
  }
  tbb::task_arena arena(thread_count(options.threads));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, scenarios.size(), [&](std::size_t i) {
      // An isolated context: when another scenario throws, oneTBB cancels
      // the loop over scenarios, and a context bound to it would cut this
      // scenario's inner loops short without an exception, leaving tallies
      // half made. This one runs on until it sees `cancel` or finishes.
      tbb::task_group_context own(tbb::task_group_context::isolated);
      tbb::task_group group(own);
      tbb::this_task_arena::isolate([&] {
        group.run_and_wait([&] {
          Simulation simulation(scenarios[i], options.cancel, options.progress);
          simulation.add_replications(scenarios[i].simulation.replications);
          results[i] = simulation.results();
        });
      });
      if (options.progress != nullptr) {
        options.progress->scenarios_done.fetch_add(1, std::memory_order_relaxed);
      }
      if (finished) finished(i);
    }, tbb::simple_partitioner());
  });
  return results;
}

}  // namespace clvsim
