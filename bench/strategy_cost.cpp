// What strategies cost the engine: the reference workload under four
// strategies of increasing complexity (reference_scenario.hpp), each run
// interleaved with the others K times on the same threads, best time kept.
// Throughput is in active customer-periods (ACP) per second; the ratio to
// the plain reference is taken within one process, under the same noise.
//
//   strategy_cost [--customers N] [--periods H] [--threads T] [--runs K]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>

#include "clvsim/simulation.hpp"
#include "reference_scenario.hpp"

int main(int argc, char** argv) {
  std::uint64_t customers = 1000000;
  int periods = 60, threads = 1, runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long long v = std::atoll(argv[i + 1]);
    if (v < 1) {
      std::fprintf(stderr, "strategy_cost: %s needs a positive whole number\n", flag.c_str());
      return 2;
    }
    if (flag == "--customers") {
      customers = static_cast<std::uint64_t>(v);
    } else if (flag == "--periods") {
      periods = static_cast<int>(v);
    } else if (flag == "--threads") {
      threads = static_cast<int>(v);
    } else if (flag == "--runs") {
      runs = static_cast<int>(v);
    } else {
      std::fprintf(stderr, "usage: strategy_cost [--customers N] [--periods H] "
                           "[--threads T] [--runs K]\n");
      return 2;
    }
  }
  using clvsim::bench::StrategyVariant;
  const StrategyVariant variants[] = {StrategyVariant::none, StrategyVariant::treated,
                                      StrategyVariant::rules, StrategyVariant::budget};
  const char* names[] = {"reference (no treatment)", "one treatment + ladder",
                         "rules + ladder", "rules + ladder + budget"};
  double best[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
  double acp[4] = {};
  double binding[4] = {};
  for (int run = 0; run < runs; ++run) {
    for (int v = 0; v < 4; ++v) {
      const clvsim::Scenario s =
          clvsim::bench::reference_with_strategy(customers, periods, 1, 20120806, variants[v]);
      const auto start = std::chrono::steady_clock::now();
      const clvsim::Results r = clvsim::run_simulation(s, {threads});
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best[v] = std::min(best[v], seconds);
      acp[v] = r.statistics.active_customer_periods;
      if (r.strategies[0].budget) binding[v] = r.strategies[0].budget->binding_share;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("strategy_cost: %llu customers x %d periods, %d thread(s), best of %d interleaved runs\n",
              static_cast<unsigned long long>(customers), periods, threads, runs);
  std::printf("%-26s %9s %14s %9s %14s\n", "strategy", "seconds", "ACP", "MACP/s", "vs reference");
  for (int v = 0; v < 4; ++v) {
    std::printf("%-26s %9.3f %14.0f %9.2f %13.2fx\n", names[v], best[v], acp[v],
                acp[v] / best[v] / 1e6, (acp[v] / best[v]) / (acp[0] / best[0]));
  }
  std::printf("budget binding in %.0f%% of periods; peak RSS %.0f MB\n", 100 * binding[3],
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
