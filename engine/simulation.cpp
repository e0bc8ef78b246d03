#include "clvsim/simulation.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "clv_histogram.hpp"
#include "block_tree.hpp"
#include "budget_run.hpp"
#include "cohort_kernel.hpp"
#include "cohort_tally.hpp"
#include "isolated_work.hpp"
#include "model_plan.hpp"
#include "rank_exchange.hpp"
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

// The block-by-block pass over one segment in one replication, or over
// part `part` of its tree at `depth` (block_tree.hpp): every strategy
// without a budget. Profit is not yet filled in (finish_tally).
CohortTally simulate_segment(const ModelPlan& plan, const SegmentPlan& segment,
                             std::uint32_t replication, int depth, std::uint32_t part,
                             ThreadHistograms& histograms, const std::atomic<bool>* cancel,
                             RunProgress* progress) {
  const StreamKey key(plan.seed, replication, segment.index);
  const CohortSchedule schedule = draw_cohort_schedule(plan, segment, key);
  std::uint64_t begin = 0, end = schedule.size();
  if (end == 0 || !plan.any_unbudgeted || !part_range(begin, end, depth, part)) {
    return CohortTally(plan.strategies, plan.horizon);
  }
  // Progress slots per customer of a block: every period of every strategy
  // the kernel simulates (progress_work() counts the same).
  std::uint64_t slots_per_customer = 0;
  for (int s = 0; s < plan.strategies; ++s) {
    if (!plan.budget[s] && segment.same_as[s] < 0) slots_per_customer += plan.horizon;
  }
  return reduce_blocks(begin, end, [&](std::uint64_t first, std::uint64_t last) {
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

// Progress of a wave reduced on this rank that the per-replication counts
// could not follow (budgets, or other ranks' jobs): replications now done,
// and the expected work and active customer-periods of the jobs this rank
// did not simulate itself (it counted its own block by block).
void count_progress(RunProgress& progress, const Scenario& scenario, std::uint32_t count,
                    std::size_t own_jobs, std::size_t all_jobs,
                    const std::vector<std::vector<CohortTally>>& slots) {
  const double others = 1.0 - static_cast<double>(own_jobs) / static_cast<double>(all_jobs);
  double active = 0;
  for (std::uint32_t r = 0; r < count; ++r) {
    for (const CohortTally& tally : slots[r]) active += static_cast<double>(active_in(tally));
  }
  progress.add_work(static_cast<std::uint64_t>(others * progress_work(scenario, count)),
                    static_cast<std::uint64_t>(others * active));
  progress.replications_done.fetch_add(count, std::memory_order_relaxed);
}

}  // namespace

struct Simulation::State {
  State(const Scenario& s, const std::atomic<bool>* c, RunProgress* p, Cluster* k)
      : scenario(s),
        plan(make_model_plan(scenario)),
        histograms([this] {
          return Histograms(static_cast<std::size_t>(plan.strategies) * plan.segments.size());
        }),
        builder(scenario),
        cancel(c),
        progress(p),
        cluster(k != nullptr && k->size() > 1 ? k : nullptr) {}

  const Scenario scenario;  // the builder keeps a reference to it
  const ModelPlan plan;
  ThreadHistograms histograms;
  ResultsBuilder builder;
  const std::atomic<bool>* cancel;
  RunProgress* const progress;
  Cluster* const cluster;  // null when this process runs alone
  // A restored image's histograms: added once, after the sum over ranks.
  std::vector<std::uint64_t> restored_histograms;
  double active_customer_periods = 0;
  double wall_seconds = 0;

  // Every cell's CLV histogram counts, summed over threads, ranks (a
  // collective) and any restored image.
  std::vector<std::uint64_t> pooled_histograms() const;
};

Simulation::Simulation(const Scenario& scenario, const std::atomic<bool>* cancel,
                       RunProgress* progress, Cluster* cluster)
    : state_(std::make_unique<State>(scenario, cancel, progress, cluster)) {}

Simulation::~Simulation() = default;

std::uint32_t Simulation::replications() const { return state_->builder.replications(); }

void Simulation::add_replications(std::uint32_t replications) {
  const auto started = std::chrono::steady_clock::now();
  State& st = *state_;
  const ModelPlan& plan = st.plan;
  const int segments = static_cast<int>(plan.segments.size());
  const std::uint32_t base = st.builder.replications();
  const std::uint32_t wave = wave_size(plan);
  const int ranks = st.cluster != nullptr ? st.cluster->size() : 1;
  const bool any_budget =
      std::any_of(plan.budget.begin(), plan.budget.end(), [](const auto& b) { return b.has_value(); });

  // Sized before the parallel loop: jobs of one replication share a row.
  std::vector<std::vector<CohortTally>> slots(std::min(wave, replications),
                                              std::vector<CohortTally>(segments));
  std::vector<CohortTally> parts;  // the parts of a split wave
  // Progress only: the segments of each replication of the wave still being
  // simulated. Without budgets a replication is done, for the display, when
  // its last segment is; a whole wave is reduced only at its end.
  std::unique_ptr<std::atomic<int>[]> pending;
  if (st.progress != nullptr && !any_budget) {
    pending = std::make_unique<std::atomic<int>[]>(slots.size());
  }
  std::vector<std::uint8_t> mine;  // per job of the wave: whether this rank ran it
  std::vector<CohortTally*> shared;
  const int workers = tbb::this_task_arena::max_concurrency();
  for (std::uint32_t first = 0; first < replications; first += wave) {
    const std::uint32_t count = std::min(wave, replications - first);
    // The wave's jobs, in a fixed order. With a budget, whole replications
    // (a budget ranks a replication's customers across all its segments);
    // else every segment of every replication, or, when those are fewer
    // than ranks, every part of every segment's block tree (the parts are
    // summed up the same tree as one process sums its blocks).
    const int depth = split_depth(std::uint64_t{count} * segments, ranks, any_budget);
    const std::uint32_t per_segment = 1u << depth;
    const std::uint64_t tallies = std::uint64_t{count} * segments * per_segment;
    const std::uint64_t per_job = any_budget ? segments : 1;
    if (depth > 0) parts.assign(tallies, CohortTally());
    const auto tally_at = [&](std::uint64_t i) -> CohortTally& {
      return depth == 0 ? slots[i / segments][i % segments] : parts[i];
    };
    const auto run_job = [&](std::uint64_t job) {
      if (any_budget) {
        const auto r = static_cast<std::uint32_t>(job);
        std::vector<CohortTally>& row = slots[r];
        tbb::parallel_for(0, segments, [&](int g) {
          row[g] = simulate_segment(plan, plan.segments[g], base + first + r, 0, 0,
                                    st.histograms, st.cancel, st.progress);
        });
        for (int s = 0; s < plan.strategies; ++s) {
          if (plan.budget[s]) {
            run_budgeted_strategy(plan, s, base + first + r, row, st.histograms, st.cancel,
                                  st.progress);
          }
        }
        for (int g = 0; g < segments; ++g) finish_tally(plan, plan.segments[g], row[g]);
        return;
      }
      const auto r = static_cast<std::uint32_t>(job / (segments * per_segment));
      const int g = static_cast<int>(job / per_segment % segments);
      CohortTally& tally = tally_at(job);
      tally = simulate_segment(plan, plan.segments[g], base + first + r, depth,
                               static_cast<std::uint32_t>(job % per_segment), st.histograms,
                               st.cancel, st.progress);
      // A split segment is finished once its parts are summed.
      if (depth == 0) finish_tally(plan, plan.segments[g], tally);
      if (pending && ranks == 1 && pending[r].fetch_sub(1, std::memory_order_relaxed) == 1) {
        st.progress->replications_done.fetch_add(1, std::memory_order_relaxed);
      }
    };
    for (std::uint32_t r = 0; r < count && pending; ++r) {
      pending[r].store(segments * static_cast<int>(per_segment), std::memory_order_relaxed);
    }
    // Each of this rank's threads takes jobs until none are left; ranks
    // that run faster take more (job_dealer.hpp).
    const std::uint64_t jobs = tallies / per_job;
    mine.assign(jobs, 0);
    {
      const std::unique_ptr<JobDealer> dealer =
          st.cluster != nullptr ? st.cluster->deal(jobs, workers) : deal_locally(jobs);
      std::atomic<bool> failed{false};
      tbb::parallel_for(0, workers, [&](int) {
        while (!failed.load(std::memory_order_relaxed)) {
          const std::optional<std::uint64_t> job = dealer->next();
          if (!job) return;
          try {
            // Another thread's failure must not cut this job short.
            run_isolated([&] { run_job(*job); });
          } catch (...) {
            failed.store(true, std::memory_order_relaxed);
            throw;
          }
          mine[*job] = 1;
        }
      }, tbb::simple_partitioner());
      // A loop cut short by cancellation from outside may return without an
      // exception; never build on its half-made tallies.
      if (st.cancel != nullptr && st.cancel->load(std::memory_order_relaxed)) throw RunCancelled();
      dealer->finish();
    }
    if (st.cluster != nullptr) {
      shared.resize(tallies);
      for (std::uint64_t i = 0; i < tallies; ++i) shared[i] = &tally_at(i);
      exchange_tallies(*st.cluster, plan.strategies, plan.horizon, shared, per_job, mine);
    }
    if (depth > 0) {
      // Every rank sums the parts up each segment's tree, as one process would.
      for (std::uint32_t r = 0; r < count; ++r) {
        for (int g = 0; g < segments; ++g) {
          const SegmentPlan& segment = plan.segments[g];
          const std::uint64_t n =
              draw_cohort_schedule(plan, segment, StreamKey(plan.seed, base + first + r, g)).size();
          slots[r][g] = combine_parts(0, n, depth,
                                      &parts[(std::size_t{r} * segments + g) * per_segment]);
          finish_tally(plan, segment, slots[r][g]);
        }
      }
    }
    if (st.progress != nullptr && (any_budget || ranks > 1)) {
      count_progress(*st.progress, st.scenario, count,
                     static_cast<std::size_t>(std::count(mine.begin(), mine.end(), 1)), jobs,
                     slots);
    }
    // Every rank reduces every replication, in replication order.
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

std::vector<std::uint64_t> Simulation::State::pooled_histograms() const {
  const std::size_t cells = static_cast<std::size_t>(plan.strategies) * plan.segments.size();
  constexpr std::size_t kBuckets = ClvHistogram::kBuckets;
  std::vector<std::uint64_t> counts(cells * kBuckets, 0);
  // Integer counts: no order of addition can change the result.
  for (const Histograms& local : histograms) {
    for (std::size_t i = 0; i < cells; ++i) {
      const std::uint64_t* from = local[i].counts();
      for (std::size_t b = 0; b < kBuckets; ++b) counts[i * kBuckets + b] += from[b];
    }
  }
  if (cluster != nullptr) cluster->sum(counts);
  for (std::size_t i = 0; i < restored_histograms.size(); ++i) counts[i] += restored_histograms[i];
  return counts;
}

Results Simulation::results() const {
  const State& st = *state_;
  const std::size_t cells = static_cast<std::size_t>(st.plan.strategies) * st.plan.segments.size();
  const std::vector<std::uint64_t> counts = st.pooled_histograms();
  Histograms merged(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    merged[i].add_counts(counts.data() + i * ClvHistogram::kBuckets);
  }
  Results results = st.builder.finish(merged);
  results.statistics.active_customer_periods = st.active_customer_periods;
  results.statistics.threads = tbb::this_task_arena::max_concurrency();
  results.statistics.wall_seconds = st.wall_seconds;
  return results;
}

SimulationImage Simulation::image() const {
  const State& st = *state_;
  SimulationImage image;
  image.replications = st.builder.replications();
  image.results_state = st.builder.save_state();
  image.active_customer_periods = st.active_customer_periods;
  image.histogram_counts = st.pooled_histograms();
  return image;
}

void Simulation::restore(const SimulationImage& image) {
  State& st = *state_;
  if (st.builder.replications() != 0) {
    throw std::logic_error("Simulation::restore after replications have run");
  }
  const std::size_t buckets = static_cast<std::size_t>(st.plan.strategies) *
                              st.plan.segments.size() * ClvHistogram::kBuckets;
  if (image.histogram_counts.size() != buckets) {
    throw std::invalid_argument("the image's CLV histograms do not fit this scenario");
  }
  st.builder.restore_state(image.results_state);
  if (st.builder.replications() != image.replications) {
    throw std::invalid_argument("the image's replication counts disagree");
  }
  st.restored_histograms = image.histogram_counts;
  st.active_customer_periods = image.active_customer_periods;
}

}  // namespace clvsim
