// clvsim sweep: the scenario at every point of a grid of values.
//
// Every point is loaded and checked before anything runs, so a bad value at
// the last point fails at once and writes nothing. Points then run side by
// side in one thread pool; each equals `clvsim run --set ...` byte for byte.
#include <filesystem>
#include <iostream>
#include <memory>
#include <system_error>

#include "cli_common.hpp"
#include "clvsim/output_directory.hpp"
#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/simulation.hpp"
#include "clvsim/sweep.hpp"
#include "progress_display.hpp"

namespace clvsim::cli {
namespace {

namespace fs = std::filesystem;

struct SweepArgs : SimulateArgs {
  std::vector<std::string> vary;
  bool zip = false;
};

std::string point_name(std::size_t index) {
  std::string name = std::to_string(index + 1);
  return std::string(name.size() < 3 ? 3 - name.size() : 0, '0') + name;
}

// DIR/points/001, 002, ...: each point's outputs as `run` writes them.
void write_points(const fs::path& dir, const std::vector<Scenario>& scenarios,
                  const std::vector<Results>& results) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    write_run_outputs(dir / "points" / point_name(i), results[i], scenarios[i]);
  }
}

int sweep(const SweepArgs& args) {
  const int threads =
      static_cast<int>(parse_count("--threads", args.threads, 0, kMaxThreads));
  std::vector<SweepAxis> axes;
  for (const std::string& text : args.vary) axes.push_back(parse_sweep_axis(text));
  const auto points = sweep_points(axes, args.zip);

  std::vector<Scenario> scenarios;
  scenarios.reserve(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::vector<Override> sets;
    std::string where;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      sets.push_back({axes[a].path, points[p][a]});
      where += (a ? ", " : "") + axes[a].path + "=" + points[p][a];
    }
    try {
      scenarios.push_back(load_variant(args, sets));
    } catch (const InputError& e) {
      throw InputError(e.file(), e.mark(), e.key_path(),
                       e.problem() + " [sweep point " + std::to_string(p + 1) + ": " + where + "]",
                       e.expected());
    }
  }
  check_output_directory(args.out);
  if (!args.quiet) {
    std::cerr << "clvsim: sweep of " << scenarios.front().name << ", "
              << plural(points.size(), "point") << " x "
              << plural(scenarios.front().simulation.replications, "replication") << ", "
              << plural(static_cast<std::uint64_t>(thread_count(threads)), "thread")
              << std::endl;
  }

  std::string fingerprint;
  for (const Scenario& point : scenarios) fingerprint += resolved_scenario_yaml(point);
  agree_to_simulate(fingerprint);

  // Points done and the whole grid's progress (progress_display.hpp).
  ProgressDisplay progress(progress_mode(args.quiet || !cluster().is_root()),
                           ProgressDisplay::Count::scenarios, "points");
  std::vector<Results> results;
  const bool finished = run_unless_interrupted([&] {
    results = run_scenarios(scenarios, {.threads = threads,
                                        .cancel = &g_interrupted,
                                        .progress = progress.counters(),
                                        .cluster = &cluster()});
  }, &progress);
  if (!finished) return kExitInterrupted;
  if (!cluster().is_root()) return kExitOk;  // rank 0 writes

  const fs::path dir = args.out;
  // The whole directory is replaced, so points of an earlier, longer sweep
  // never linger among these.
  OutputDirectory out(dir);
  write_points(out.staging(), scenarios, results);
  write_file_atomically(out.staging() / "sweep.csv", sweep_csv(axes, points, results));
  write_report_if_asked(args, out.staging());
  out.commit();
  if (!args.quiet) {
    std::cout << sweep_table(axes, points, results) << std::flush;
    std::cerr << "wrote " << (dir / "sweep.csv").string() << " and "
              << (dir / "points").string() << "/NNN/{summary.json,periods.csv,run.json,scenario.resolved.yaml}"
              << std::endl;
    say_report_written(args);
  }
  return kExitOk;
}

}  // namespace

Command add_sweep_command(CLI::App& parent) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* command = parent.add_subcommand(
      "sweep",
      "Run the scenario at every point of a grid of values; write sweep.csv and "
      "each point's outputs under DIR/points/");
  add_simulate_options(*command, *args);
  command
      ->add_option("--vary", args->vary,
                   "A key path and its values: a list (segments.retail.margin=0.2,0.3) "
                   "or an inclusive range START:STOP:STEP (treatments.call.cost=2:10:2); "
                   "repeatable, the points are every combination")
      ->type_name("PATH=LIST|START:STOP:STEP")
      ->required()
      ->allow_extra_args(false);
  command->add_flag("--zip", args->zip,
                    "Pair the i-th values of every --vary instead of combining them "
                    "[default: off]");
  return {command, [args] { return sweep(*args); }, true};
}

}  // namespace clvsim::cli
