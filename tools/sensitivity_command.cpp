// clvsim sensitivity: one-at-a-time +/-delta on every numeric parameter,
// ranked by the effect on a metric (a tornado chart's data).
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "clvsim/output_directory.hpp"
#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/scenario_loader.hpp"
#include "clvsim/sensitivity.hpp"
#include "progress_display.hpp"

namespace clvsim::cli {
namespace {

namespace fs = std::filesystem;

struct SensitivityArgs : SimulateArgs {
  std::string delta = "0.1";
  std::string metric = "clv";
  std::string strategy;
  std::string segment = "total";
  std::vector<std::string> only;
  std::string top = "15";
};

int sensitivity(const SensitivityArgs& args) {
  SensitivityOptions options;
  options.delta = parse_real("--delta", args.delta, 0.0, 1.0);
  if (args.metric == "uplift") {
    options.metric = SensitivityOptions::Metric::uplift;
  } else if (args.metric != "clv") {
    throw InputError("--metric", {}, "", "'" + args.metric + "' is not a metric", "clv or uplift");
  }
  options.strategy = args.strategy;
  options.segment = args.segment;
  options.only = args.only;
  const std::size_t top = parse_count("--top", args.top, 1, 1u << 20);
  Scenario scenario;
  const int threads = load_for_simulation(args, scenario);
  check_sensitivity_options(scenario, options);
  if (!args.quiet) print_run_banner(scenario, threads);

  agree_to_simulate(resolved_scenario_yaml(scenario));

  // Runs done (the base and two per parameter) and the whole progress.
  ProgressDisplay progress(progress_mode(args.quiet || !cluster().is_root()),
                           ProgressDisplay::Count::scenarios, "runs");
  SensitivityResult result;
  const bool finished = run_unless_interrupted([&] {
    result = run_sensitivity(scenario, options,
                             {.threads = threads,
                              .cancel = &g_interrupted,
                              .progress = progress.counters(),
                              .cluster = &cluster()});
  }, &progress);
  if (!finished) return kExitInterrupted;
  if (!cluster().is_root()) return kExitOk;  // rank 0 writes

  const fs::path dir = args.out;
  OutputDirectory out(dir);
  write_file_atomically(out.staging() / "sensitivity.csv", sensitivity_csv(result));
  // The scenario every variation started from, for reproducing the
  // analysis and for its report.
  write_file_atomically(out.staging() / "scenario.resolved.yaml",
                        resolved_scenario_yaml(scenario));
  write_report_if_asked(args, out.staging());
  out.commit();
  if (!args.quiet) {
    std::cout << sensitivity_table(result, top) << std::flush;
    std::cerr << "wrote " << (dir / "sensitivity.csv").string() << " and scenario.resolved.yaml"
              << std::endl;
    say_report_written(args);
  }
  return kExitOk;
}

}  // namespace

Command add_sensitivity_command(CLI::App& parent) {
  auto args = std::make_shared<SensitivityArgs>();
  CLI::App* command = parent.add_subcommand(
      "sensitivity",
      "Move every numeric parameter down and up by --delta, one at a time, and rank "
      "them by the effect on a metric; write sensitivity.csv");
  add_simulate_options(*command, *args);
  command->add_option("--delta", args->delta, "Relative move, in (0, 1) [default: 0.1]")
      ->type_name("D");
  command
      ->add_option("--metric", args->metric,
                   "clv: a strategy's CLV per customer; uplift: its paired CLV uplift over "
                   "the baseline [default: clv]")
      ->type_name("clv|uplift");
  command
      ->add_option("--strategy", args->strategy,
                   "The strategy whose metric is watched [default: the baseline for clv, "
                   "the first other strategy for uplift]")
      ->type_name("NAME");
  command->add_option("--segment", args->segment, "A segment name or total [default: total]")
      ->type_name("NAME");
  command
      ->add_option("--only", args->only,
                   "Vary only these key paths (comma-separated or repeated) [default: every "
                   "numeric parameter]")
      ->type_name("PATH,...")
      ->delimiter(',')
      ->allow_extra_args(false);
  command->add_option("--top", args->top, "Rows shown on the console [default: 15]")
      ->type_name("N");
  return {command, [args] { return sensitivity(*args); }, true};
}

}  // namespace clvsim::cli
