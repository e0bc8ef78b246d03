// The ways a scenario is run: straight through, checkpointed, several side
// by side, and across the ranks of a cluster.
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>

#include "clvsim/checkpoint.hpp"
#include "clvsim/simulation.hpp"
#include "isolated_work.hpp"
#include "run_growth.hpp"

namespace clvsim {

Cluster& cluster_of(const RunOptions& options) {
  static const std::unique_ptr<Cluster> alone = single_process();
  return options.cluster != nullptr ? *options.cluster : *alone;
}

std::uint32_t resume_saved_work(Simulation& simulation, const Scenario& scenario,
                                const RunOptions& options, const std::string& plan,
                                std::uint32_t max_replications) {
  if (options.checkpoint == nullptr) return 0;
  const auto image =
      options.checkpoint->resume(cluster_of(options), scenario, plan, max_replications);
  if (!image) return 0;
  simulation.restore(*image);
  if (options.progress != nullptr) {
    options.progress->add_work(progress_work(scenario, image->replications),
                               static_cast<std::uint64_t>(image->active_customer_periods));
    options.progress->replications_done.fetch_add(image->replications);
  }
  return image->replications;
}

void grow(Simulation& simulation, std::uint32_t count, const RunOptions& options,
          std::uint32_t chunk) {
  if (options.checkpoint == nullptr) {
    simulation.add_replications(count);
    return;
  }
  Cluster& cluster = cluster_of(options);
  if (chunk == 0) {
    chunk = Checkpoint::chunk(tbb::this_task_arena::max_concurrency(), cluster.size());
  }
  try {
    for (std::uint32_t done = 0; done < count;) {
      const std::uint32_t n = std::min(chunk, count - done);
      simulation.add_replications(n);
      done += n;
      options.checkpoint->completed(simulation, cluster);
    }
  } catch (const RunCancelled&) {
    options.checkpoint->save_latest(cluster);
    throw;
  }
}

int thread_count(int requested) {
  // Results are the same for any count.
  const int cores = tbb::info::default_concurrency();
  return requested > 0 ? std::min(requested, cores) : cores;
}

Results run_simulation(const Scenario& scenario, const RunOptions& options) {
  const std::uint32_t replications = scenario.simulation.replications;
  if (options.progress != nullptr) {
    options.progress->work_total.fetch_add(progress_work(scenario, replications));
    options.progress->replications_total.fetch_add(replications);
  }
  tbb::task_arena arena(thread_count(options.threads));
  return arena.execute([&] {
    Simulation simulation(scenario, options.cancel, options.progress, options.cluster);
    const std::uint32_t resumed =
        resume_saved_work(simulation, scenario, options, "fixed", replications);
    grow(simulation, replications - resumed, options);
    if (options.checkpoint != nullptr) options.checkpoint->flush(cluster_of(options));
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
  const auto run_one = [&](std::size_t i) {
    Simulation simulation(scenarios[i], options.cancel, options.progress, options.cluster);
    simulation.add_replications(scenarios[i].simulation.replications);
    results[i] = simulation.results();
  };
  const auto done = [&](std::size_t i) {
    if (options.progress != nullptr) {
      options.progress->scenarios_done.fetch_add(1, std::memory_order_relaxed);
    }
    if (finished) finished(i);
  };
  tbb::task_arena arena(thread_count(options.threads));
  if (options.cluster != nullptr && options.cluster->size() > 1) {
    // Across ranks, one scenario at a time: every rank must reach each
    // scenario's collectives in the same order, and each scenario's
    // replications are already spread over every rank and thread.
    arena.execute([&] {
      for (std::size_t i = 0; i < scenarios.size(); ++i) {
        run_one(i);
        done(i);
      }
    });
    return results;
  }
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, scenarios.size(), [&](std::size_t i) {
      // Another scenario's failure must not cut this one's loops short.
      run_isolated([&] { run_one(i); });
      done(i);
    }, tbb::simple_partitioner());
  });
  return results;
}

}  // namespace clvsim
