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

// Sends this rank's replications of a wave to every rank and fills in the
// others' in slots[r]. Every rank derives the same owner(r), so each can
// tell whose values are whose without sending indices.
template <typename Owner>
void exchange_tallies(Cluster& cluster, const ModelPlan& plan, std::uint32_t count,
                      const Owner& owner, std::vector<std::vector<CohortTally>>& slots) {
  const int me = cluster.rank();
  std::vector<double> sent;
  for (std::uint32_t r = 0; r < count; ++r) {
    if (owner(r) != me) continue;
    for (const CohortTally& tally : slots[r]) {
      sent.insert(sent.end(), tally.data(), tally.data() + tally.size());
    }
  }
  std::vector<std::size_t> counts;
  const std::vector<double> all = cluster.all_gather(sent, counts);
  // cursor[k]: the next value of rank k's part of `all`.
  std::vector<std::size_t> cursor(cluster.size(), 0), end(cluster.size(), 0);
  for (int k = 0; k < cluster.size(); ++k) {
    cursor[k] = k == 0 ? 0 : end[k - 1];
    end[k] = cursor[k] + counts[k];
  }
  for (std::uint32_t r = 0; r < count; ++r) {
    const int k = owner(r);
    if (k == me) continue;
    for (CohortTally& tally : slots[r]) {
      tally = CohortTally(plan.strategies, plan.horizon);
      if (end[k] - cursor[k] < tally.size()) {
        throw std::runtime_error("rank " + std::to_string(k) +
                                 " sent fewer tallies than its replications need "
                                 "(do all ranks run the same scenario?)");
      }
      std::copy_n(all.data() + cursor[k], tally.size(), tally.data());
      cursor[k] += tally.size();
    }
  }
  for (int k = 0; k < cluster.size(); ++k) {
    if (k != me && cursor[k] != end[k]) {
      throw std::runtime_error("rank " + std::to_string(k) +
                               " sent more tallies than its replications need "
                               "(do all ranks run the same scenario?)");
    }
  }
}

// Progress on this rank for the replications other ranks simulated: their
// expected work, and the active customer-periods their tallies show.
template <typename Owner>
void count_others_work(RunProgress& progress, const Scenario& scenario, int me,
                       std::uint32_t count, const Owner& owner,
                       const std::vector<std::vector<CohortTally>>& slots) {
  std::uint32_t others = 0;
  std::uint64_t active = 0;
  for (std::uint32_t r = 0; r < count; ++r) {
    if (owner(r) == me) continue;
    ++others;
    for (const CohortTally& tally : slots[r]) active += active_in(tally);
  }
  progress.add_work(progress_work(scenario, others), active);
  progress.replications_done.fetch_add(others, std::memory_order_relaxed);
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
  const int me = st.cluster != nullptr ? st.cluster->rank() : 0;
  // Replication base + r is rank (base + r) mod K's: the split never
  // depends on how the caller batches its calls.
  const auto owner = [&](std::uint32_t r) {
    return static_cast<int>((base + r) % static_cast<std::uint32_t>(ranks));
  };
  const auto mine = [&](std::uint32_t r) { return owner(r) == me; };

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
  std::vector<std::uint32_t> jobs;  // r * segments + g, this rank's only
  for (std::uint32_t first = 0; first < replications; first += wave) {
    const std::uint32_t count = std::min(wave, replications - first);
    jobs.clear();
    for (std::uint32_t r = 0; r < count; ++r) {
      if (!mine(first + r)) continue;
      if (pending) pending[r].store(segments, std::memory_order_relaxed);
      for (int g = 0; g < segments; ++g) jobs.push_back(r * segments + g);
    }
    tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
      const std::uint32_t r = jobs[j] / segments;
      const int g = static_cast<int>(jobs[j] % segments);
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
      if (!mine(first + r)) continue;
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
    if (st.cluster != nullptr) {
      const auto wave_owner = [&](std::uint32_t r) { return owner(first + r); };
      exchange_tallies(*st.cluster, plan, count, wave_owner, slots);
      if (st.progress != nullptr) {
        count_others_work(*st.progress, st.scenario, me, count, wave_owner, slots);
      }
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
