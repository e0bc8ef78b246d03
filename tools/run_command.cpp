// clvsim run: simulate one scenario and write its outputs.
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim::cli {
namespace {

int run(const SimulateArgs& args) {
  Scenario scenario;
  const int threads = load_for_simulation(args, scenario);
  if (!args.quiet) print_run_banner(scenario, threads);

  RunOptions options;
  options.threads = threads;
  options.cancel = &g_interrupted;
  Results results;
  try {
    results = run_simulation(scenario, options);
  } catch (const RunCancelled&) {
  }
  if (g_interrupted.load()) {
    std::cerr << "clvsim: interrupted; no outputs written" << std::endl;
    return kExitInterrupted;
  }

  const std::filesystem::path out_dir = args.out;
  write_run_outputs(out_dir, results, scenario);
  if (!args.quiet) {
    std::cout << console_table(results) << std::flush;
    std::cerr << "wrote " << (out_dir / "summary.json").string() << ", "
              << (out_dir / "periods.csv").string() << ", "
              << (out_dir / "run.json").string() << std::endl;
  }
  return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* command = parent.add_subcommand(
      "run",
      "Simulate a scenario and write summary.json, periods.csv and "
      "run.json to the output directory");
  add_simulate_options(*command, *args);
  return {command, [args] { return run(*args); }};
}

}  // namespace clvsim::cli
