// Running a scenario.
//
// run_simulation() is deterministic: for the same Scenario (seed and
// replications included) it returns bit-identical Results, whatever
// `threads` is, except for Results::statistics. Work is cut into fixed
// blocks of customers whose tallies are merged in block order, and
// replications are reduced in replication order.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "clvsim/cluster.hpp"
#include "clvsim/progress.hpp"
#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"

namespace clvsim {

class Checkpoint;

struct RunOptions {
  int threads = 0;  // 0 = all hardware threads; more than that runs as many
  // Polled between blocks of customers (a few milliseconds apart): once it
  // reads true, run_simulation stops and throws RunCancelled. May be set
  // from a signal handler.
  const std::atomic<bool>* cancel = nullptr;
  // When given, bumped as blocks of customers finish (relaxed atomics, see
  // progress.hpp) for a display on another thread; never changes results.
  // run_simulation() and run_scenarios() add their totals to it first.
  RunProgress* progress = nullptr;
  // The processes sharing the run (cluster.hpp); null: this one alone.
  // Results are the same bits either way.
  Cluster* cluster = nullptr;
  // When given, completed work is saved there and a run resumes from it
  // (checkpoint.hpp).
  Checkpoint* checkpoint = nullptr;
};

class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

// The threads a run asking for `requested` (0 = all) uses: at most one per
// core, since more would only oversubscribe them.
int thread_count(int requested);

// Runs scenario.simulation.replications replications on `options.threads`
// threads. With options.progress, first adds the run's progress_work() and
// replications to its totals.
Results run_simulation(const Scenario& scenario, const RunOptions& options = {});

// Runs several scenarios side by side in one pool of thread_count(threads)
// threads: results[i] is bit-identical to run_simulation(scenarios[i]).
// Each scenario's work is isolated, so a thread waiting inside one scenario
// never starts another, and at most that many scenarios are in flight (their
// memory adds up). `finished(i)`, when given, is called as scenario i
// completes, from a worker thread, possibly concurrently. With
// options.progress, first adds every scenario's progress_work(),
// replications and the scenario count to its totals.
std::vector<Results> run_scenarios(const std::vector<Scenario>& scenarios,
                                   const RunOptions& options = {},
                                   const std::function<void(std::size_t)>& finished = {});

// What a Simulation has done, as numbers: its reduced statistics, its CLV
// histograms pooled over threads and ranks, and the active customer-periods.
// Restoring it into a fresh Simulation of the same scenario continues bit
// for bit; a checkpoint file holds one.
struct SimulationImage {
  std::uint32_t replications = 0;
  std::vector<double> results_state;
  double active_customer_periods = 0;
  std::vector<std::uint64_t> histogram_counts;  // every cell's buckets
};

// A run that grows replication by replication, for callers that decide how
// many replications to run from the results so far (precision targets) or
// that run several scenarios side by side in one thread pool (sweeps).
//
// Replication r always uses the same random streams, and replications are
// reduced in order, so after add_replications(8) twice, results() is
// bit-identical to run_simulation() of the same scenario with 16
// replications. scenario.simulation.replications is ignored.
//
// Work runs in the caller's oneTBB task arena: wrap calls in a
// tbb::task_arena to bound the threads. Not thread-safe: one caller at a
// time per Simulation. `progress`, when given, counts done work and
// replications as they finish (its totals are left to the caller).
//
// With a `cluster` of K ranks, each wave's jobs (segments of replications)
// are dealt to whichever rank asks first (job_dealer.hpp) and every rank
// receives every job's tallies, so every rank holds the same results. add_replications(), results() and image() are then
// collective: every rank calls them with the same arguments in the same
// order.
class Simulation {
 public:
  explicit Simulation(const Scenario& scenario,
                      const std::atomic<bool>* cancel = nullptr,
                      RunProgress* progress = nullptr, Cluster* cluster = nullptr);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs replications [replications(), replications() + count). Throws
  // RunCancelled when `cancel` is set; the Simulation is then unusable.
  void add_replications(std::uint32_t count);

  std::uint32_t replications() const;

  // Estimates over the replications run so far; Results::replications is
  // their count. statistics.threads is the arena's concurrency.
  Results results() const;

  // The state after the replications run so far (collective).
  SimulationImage image() const;

  // Continues from `image`, made by a Simulation of the same scenario.
  // REQUIRES: replications() == 0. Throws std::invalid_argument when the
  // image does not fit this scenario's shape.
  void restore(const SimulationImage& image);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace clvsim
