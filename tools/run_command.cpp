// clvsim run: simulate one scenario and write its outputs.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>

#include "cli_common.hpp"
#include "clvsim/checkpoint.hpp"
#include "clvsim/error.hpp"
#include "clvsim/output_directory.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/precision.hpp"
#include "clvsim/simulation.hpp"
#include "progress_display.hpp"

namespace clvsim::cli {
namespace {

struct RunArgs : SimulateArgs {
  std::string precision;
  std::string precision_metric = "clv";
  std::string precision_segment = "total";
  std::string batch = "8";
  std::string max_replications = "1024";
  std::string checkpoint;
  std::string checkpoint_every = "60";
};

// --checkpoint FILE: a file we may create or replace, checked before the run.
std::unique_ptr<Checkpoint> parse_checkpoint(const RunArgs& args) {
  if (args.checkpoint.empty()) {
    if (args.checkpoint_every != "60") {
      throw InputError("--checkpoint-every", {}, "", "only applies with --checkpoint",
                       "--checkpoint FILE");
    }
    return nullptr;
  }
  const double every = parse_real("--checkpoint-every", args.checkpoint_every, 0.0, 1e9);
  const std::filesystem::path path = args.checkpoint;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("--checkpoint", {}, "", "'" + args.checkpoint + "' is a directory",
                     "a file name");
  }
  // Rank 0 writes it, and reads it for every rank.
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : ".";
  if (cluster().is_root() &&
      (!std::filesystem::is_directory(parent, ec) || ::access(parent.c_str(), W_OK | X_OK) != 0)) {
    throw OutputUnusable(InputError("--checkpoint", {}, "",
                                    "cannot write into '" + parent.string() + "'",
                                    "a file in an existing directory you may write into")
                             .what());
  }
  return std::make_unique<Checkpoint>(path, every);
}

// "2.5" is an absolute half-width, "1%" a relative one.
PrecisionTarget parse_precision(const RunArgs& args, const Scenario& scenario) {
  PrecisionTarget target;
  target.text = args.precision;
  std::string number = args.precision;
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    target.relative = true;
  }
  const double value = parse_real("--precision", number, 0.0, 1e300);
  if (!(value > 0)) {
    throw InputError("--precision", {}, "", "the target must be above 0",
                     "a CI half-width such as 2.5, or a percentage such as 1%");
  }
  target.half_width = target.relative ? value / 100.0 : value;

  if (args.precision_metric == "uplift") {
    target.metric = PrecisionTarget::Metric::uplift;
    if (scenario.strategies.size() < 2) {
      throw InputError("--precision-metric", {}, "",
                       "uplift needs a comparison, and the scenario has one strategy",
                       "clv, or a scenario with two or more strategies");
    }
  } else if (args.precision_metric != "clv") {
    throw InputError("--precision-metric", {}, "",
                     "'" + args.precision_metric + "' is not a metric", "clv or uplift");
  }
  target.segment = args.precision_segment;
  bool known = target.segment == "total";
  std::string names = "total";
  for (const Segment& segment : scenario.segments) {
    known = known || segment.name == target.segment;
    names += ", " + segment.name;
  }
  if (!known) {
    throw InputError("--precision-segment", {}, "",
                     "'" + target.segment + "' is not a segment of the scenario",
                     "one of: " + names);
  }
  target.batch = static_cast<std::uint32_t>(
      parse_count("--batch", args.batch, 1, kMaxReplications));
  target.max_replications = static_cast<std::uint32_t>(
      parse_count("--max-replications", args.max_replications, target.batch,
                  kMaxReplications));
  return target;
}

std::string precision_line(const PrecisionReport& report) {
  std::ostringstream line;
  line.precision(4);
  line << "widest 95% CI half-width " << report.half_width << " (" << report.widest
       << ", " << report.metric << " " << report.segment << "), target " << report.needed;
  return line.str();
}

int run(const RunArgs& args) {
  if (args.precision.empty()) {
    for (const auto& [given, name] : {std::pair{args.precision_metric != "clv", "--precision-metric"},
                                      {args.precision_segment != "total", "--precision-segment"},
                                      {args.batch != "8", "--batch"},
                                      {args.max_replications != "1024", "--max-replications"}}) {
      if (given) {
        throw InputError(name, {}, "", "only applies with --precision",
                         "--precision ABS or --precision REL%");
      }
    }
  } else if (!args.replications.empty()) {
    throw InputError("--replications", {}, "",
                     "cannot be combined with --precision, which chooses the count",
                     "--batch and --max-replications to bound it");
  }
  Scenario scenario;
  const int threads = load_for_simulation(args, scenario);
  std::optional<PrecisionTarget> target;
  if (!args.precision.empty()) target = parse_precision(args, scenario);
  const std::unique_ptr<Checkpoint> checkpoint = parse_checkpoint(args);
  agree_to_simulate(resolved_scenario_yaml(scenario) + args.precision);
  if (!args.quiet) print_run_banner(scenario, threads, target.has_value());

  // With --precision the count is at most --max-replications.
  ProgressDisplay progress(progress_mode(args.quiet || !cluster().is_root()),
                           ProgressDisplay::Count::replications,
                           "replications", target.has_value());
  RunOptions options;
  options.threads = threads;
  options.cancel = &g_interrupted;
  options.progress = progress.counters();
  options.cluster = &cluster();
  options.checkpoint = checkpoint.get();
  Results results;
  const bool finished = run_unless_interrupted([&] {
    if (target) {
      results = run_to_precision(
          scenario, options, *target, [&](const PrecisionReport& report, std::uint32_t done) {
            if (!args.quiet) {
              progress.print("clvsim: " + plural(done, "replication") + ": " +
                             precision_line(report));
            }
          });
      // Written to run.json and any resolved scenario: rerunning with this
      // count reproduces the results.
      scenario.simulation.replications = results.replications;
    } else {
      results = run_simulation(scenario, options);
    }
  }, &progress);
  if (checkpoint && checkpoint->resumed_replications() > 0 && !args.quiet) {
    std::cerr << "clvsim: resumed from " << checkpoint->path().string() << ", where "
              << plural(checkpoint->resumed_replications(), "replication")
              << (checkpoint->resumed_replications() == 1 ? " was" : " were") << " saved"
              << std::endl;
  }
  if (!finished) return kExitInterrupted;
  if (!cluster().is_root()) return kExitOk;  // rank 0 writes

  const std::filesystem::path out_dir = args.out;
  OutputDirectory out(out_dir);
  write_run_outputs(out.staging(), results, scenario);
  write_report_if_asked(args, out.staging());
  out.commit();
  if (!args.quiet) {
    std::cout << console_table(results) << std::flush;
    if (const auto& report = results.statistics.precision) {
      std::cerr << "clvsim: precision target " << report->target
                << (report->met ? " met after " : " NOT met after ")
                << plural(results.replications, "replication")
                << (report->met ? "; " : " (--max-replications); ")
                << precision_line(*report) << std::endl;
      if (!report->met && report->needed > 0) {
        // Half-widths shrink as 1/sqrt(R).
        const double ratio = report->half_width / report->needed;
        std::cerr << "clvsim: about " << std::ceil(results.replications * ratio * ratio)
                  << " replications would meet it, at this rate" << std::endl;
      }
    }
    std::cerr << "wrote " << (out_dir / "summary.json").string() << ", periods.csv, run.json, "
              << "scenario.resolved.yaml" << std::endl;
    say_report_written(args);
  }
  return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command = parent.add_subcommand(
      "run",
      "Simulate a scenario and write summary.json, periods.csv and "
      "run.json to the output directory");
  add_simulate_options(*command, *args);
  command
      ->add_option("--precision", args->precision,
                   "Run batches of replications until every watched 95% CI "
                   "half-width is at most ABS, or REL% of its estimate; the "
                   "result equals a run with the final --replications "
                   "[default: off]")
      ->type_name("ABS|REL%");
  command
      ->add_option("--precision-metric", args->precision_metric,
                   "What --precision watches: clv (every strategy's CLV per "
                   "customer) or uplift (every comparison with the baseline) "
                   "[default: clv]")
      ->type_name("clv|uplift");
  command
      ->add_option("--precision-segment", args->precision_segment,
                   "The segment whose estimates --precision watches "
                   "[default: total]")
      ->type_name("NAME");
  command
      ->add_option("--batch", args->batch,
                   "Replications per batch with --precision [default: 8]")
      ->type_name("N");
  command
      ->add_option("--max-replications", args->max_replications,
                   "Stop --precision here even if the target is not met "
                   "[default: 1024]")
      ->type_name("N");
  command
      ->add_option("--checkpoint", args->checkpoint,
                   "Save completed replications to FILE as the run goes, and "
                   "on Ctrl-C/SIGTERM; if FILE exists, resume from it (it must "
                   "come from the same scenario and options); the outputs equal "
                   "a straight run's [default: off]")
      ->type_name("FILE");
  command
      ->add_option("--checkpoint-every", args->checkpoint_every,
                   "Seconds between checkpoint saves; 0 saves after every "
                   "chunk of replications [default: 60]")
      ->type_name("SECONDS");
  return {command, [args] { return run(*args); }, true};
}

}  // namespace clvsim::cli
