// The clvsim command-line program (SPEC section 2).
//
// Exit codes are part of the contract: 0 success, 2 bad input (scenario,
// command line, option values), 1 internal or I/O failure, 130 interrupted.
// Everything the user gave is loaded and checked before the output directory
// is touched, so bad input never leaves anything behind.
#include <oneapi/tbb/info.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/scenario_loader.hpp"
#include "clvsim/simulation.hpp"

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "unknown"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;
constexpr std::uint64_t kMaxThreads = 1 << 16;

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler needs a lock-free flag");

// The first signal asks for a clean stop: the engine polls the flag between
// blocks of customers and stops within milliseconds; no outputs, exit 130.
// A second signal falls back to the default action and ends the process at
// once; atomic writes keep DIR consistent either way.
extern "C" void on_interrupt(int sig) {
  if (g_interrupted.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct RunArgs {
  std::string scenario;
  std::string out = "clvsim-out";
  std::string threads = "0";
  std::string seed;
  std::string replications;
  std::vector<std::string> sets;
  bool quiet = false;
};

struct ValidateArgs {
  std::string scenario;
  std::vector<std::string> sets;
};

// Strict decimal parse: no sign, no spaces, no trailing text, in [lo, hi].
// Option values are user input, so failures are InputErrors (exit 2) in the
// product's one error format, with the option standing in for the file.
std::uint64_t parse_count(const std::string& option, const std::string& text,
                          std::uint64_t lo, std::uint64_t hi) {
  const std::string expected =
      "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  const bool negative =
      text.size() > 1 && text[0] == '-' &&
      text.find_first_not_of("0123456789", 1) == std::string::npos;
  if (negative) {
    throw clvsim::InputError(option, {}, "", text + " is out of range",
                             expected);
  }
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    throw clvsim::InputError(option, {}, "",
                             "'" + text + "' is not a whole number", expected);
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    throw clvsim::InputError(option, {}, "", text + " is out of range",
                             expected);
  }
  return value;
}

std::vector<clvsim::Override> parse_overrides(
    const std::vector<std::string>& sets) {
  std::vector<clvsim::Override> overrides;
  overrides.reserve(sets.size());
  for (const auto& text : sets)
    overrides.push_back(clvsim::parse_override(text));
  return overrides;
}

std::string plural(std::uint64_t n, const std::string& one,
                   const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string plural(std::uint64_t n, const std::string& word) {
  return plural(n, word, word + "s");
}

// Catches an unusable --out before a possibly long run rather than after
// it, without creating anything: the nearest existing ancestor must be a
// directory we may write into. write_run_outputs still reports any failure
// that happens later.
void check_output_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const std::string shown = dir.string();
  if (shown.empty()) {
    throw clvsim::InputError("--out", {}, "", "empty directory name",
                             "a directory path");
  }
  fs::path probe = fs::absolute(dir).lexically_normal();
  std::error_code ec;
  while (!fs::exists(fs::symlink_status(probe, ec)) &&
         probe.has_parent_path() && probe.parent_path() != probe) {
    probe = probe.parent_path();
  }
  if (!fs::is_directory(probe, ec)) {
    throw clvsim::InputError("--out", {}, "",
                             "'" + probe.string() +
                                 "' is not a directory, so '" + shown +
                                 "' cannot be created",
                             "a directory path");
  }
  if (::access(probe.c_str(), W_OK | X_OK) != 0) {
    throw clvsim::InputError(
        "--out", {}, "",
        "'" + probe.string() + "' is not writable: " + std::strerror(errno),
        "a directory you may write into");
  }
}

int run_command(const RunArgs& args) {
  // Cheap checks first, so a typo fails before a slow scenario load.
  const auto overrides = parse_overrides(args.sets);
  const int threads =
      static_cast<int>(parse_count("--threads", args.threads, 0, kMaxThreads));
  std::optional<std::uint64_t> seed;
  if (!args.seed.empty()) {
    seed = parse_count("--seed", args.seed, 0,
                       std::numeric_limits<std::uint64_t>::max());
  }
  std::optional<std::uint32_t> replications;
  if (!args.replications.empty()) {
    replications = static_cast<std::uint32_t>(parse_count(
        "--replications", args.replications, 1, clvsim::kMaxReplications));
  }
  clvsim::Scenario scenario = clvsim::load_scenario(args.scenario, overrides);
  if (seed) scenario.simulation.seed = *seed;
  if (replications) scenario.simulation.replications = *replications;
  const std::filesystem::path out_dir = args.out;
  check_output_directory(out_dir);

  if (!args.quiet) {
    // The engine runs at most one thread per core.
    const int cores = tbb::info::default_concurrency();
    const int shown_threads = threads > 0 ? std::min(threads, cores) : cores;
    std::cerr << "clvsim: scenario " << scenario.name << ", "
              << plural(scenario.simulation.replications, "replication") << ", "
              << plural(scenario.segments.size(), "segment") << ", "
              << plural(scenario.strategies.size(), "strategy", "strategies")
              << ", "
              << plural(static_cast<std::uint64_t>(shown_threads), "thread")
              << std::endl;
  }

  clvsim::RunOptions options;
  options.threads = threads;
  options.cancel = &g_interrupted;
  clvsim::Results results;
  try {
    results = clvsim::run_simulation(scenario, options);
  } catch (const clvsim::RunCancelled&) {
  }
  if (g_interrupted.load()) {
    std::cerr << "clvsim: interrupted; no outputs written" << std::endl;
    return kExitInterrupted;
  }

  clvsim::write_run_outputs(out_dir, results, scenario);
  if (!args.quiet) {
    std::cout << clvsim::console_table(results) << std::flush;
    std::cerr << "wrote " << (out_dir / "summary.json").string() << ", "
              << (out_dir / "periods.csv").string() << ", "
              << (out_dir / "run.json").string() << std::endl;
  }
  return kExitOk;
}

int validate_command(const ValidateArgs& args) {
  const clvsim::Scenario scenario =
      clvsim::load_scenario(args.scenario, parse_overrides(args.sets));
  std::cout << args.scenario << ": ok (" << scenario.name << ", "
            << plural(scenario.segments.size(), "segment") << ", "
            << plural(static_cast<std::uint64_t>(scenario.horizon), "period")
            << ", "
            << plural(scenario.strategies.size(), "strategy", "strategies")
            << ")" << std::endl;
  return kExitOk;
}

int cli_error(const CLI::App& app, const CLI::Error& e) {
  std::string help_hint = "clvsim --help";
  for (const CLI::App* sub : app.get_subcommands()) {
    help_hint = "clvsim " + sub->get_name() + " --help";
  }
  // CLI11 checks for a missing command before unknown arguments, so
  // `clvsim --bogus` would otherwise only say a command is required.
  std::string message = e.what();
  const auto unknown = app.remaining();
  if (app.get_subcommands().empty()) {
    message = unknown.empty()
                  ? "missing command (expected run or validate)"
                  : "unknown command or option: " + unknown.front() +
                        " (expected run or validate)";
  }
  std::cerr << "clvsim: " << message << "\n"
            << "Run '" << help_hint << "' for usage." << std::endl;
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "clvsim " CLVSIM_VERSION
      ": Monte Carlo customer-lifetime-value and retention what-if engine.\n"
      "Exit codes: 0 success, 2 bad input, 1 internal or I/O failure, "
      "130 interrupted.",
      "clvsim"};
  app.set_version_flag("--version", "clvsim " CLVSIM_VERSION,
                       "Print the version and exit");
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  clvsim validate buyer-types.yaml\n"
      "  clvsim run buyer-types.yaml --out results --replications 64 \\\n"
      "      --set segments.transactional.revenue.mean=60");

  RunArgs run_args;
  CLI::App* run = app.add_subcommand(
      "run",
      "Simulate a scenario and write summary.json, periods.csv and "
      "run.json to the output directory");
  run->add_option("scenario", run_args.scenario, "Scenario file (YAML)")
      ->required()
      ->type_name("SCENARIO.yaml");
  run->add_option("-o,--out", run_args.out,
                  "Output directory, created if missing [default: clvsim-out]")
      ->type_name("DIR");
  run->add_option("-j,--threads", run_args.threads,
                  "Worker threads, 0 = all hardware threads; results do not "
                  "depend on it [default: 0]")
      ->type_name("N");
  run->add_option("--seed", run_args.seed,
                  "Random seed, 0 to 2^64-1 [default: the scenario's "
                  "simulation.seed, which defaults to 1]")
      ->type_name("S");
  run->add_option("-r,--replications", run_args.replications,
                  "Monte Carlo replications, 1 to " +
                      std::to_string(clvsim::kMaxReplications) +
                      " [default: the scenario's simulation.replications, "
                      "which defaults to 32]")
      ->type_name("R");
  run->add_option("--set", run_args.sets,
                  "Override one scenario value by key path, e.g. "
                  "segments.transactional.revenue.mean=60; repeatable "
                  "[default: none]")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  run->add_flag("-q,--quiet", run_args.quiet,
                "Print nothing but errors [default: off]");

  ValidateArgs validate_args;
  CLI::App* validate = app.add_subcommand(
      "validate", "Check a scenario file without running it");
  validate
      ->add_option("scenario", validate_args.scenario, "Scenario file (YAML)")
      ->required()
      ->type_name("SCENARIO.yaml");
  validate
      ->add_option("--set", validate_args.sets,
                   "Override one scenario value by key path before "
                   "checking; repeatable [default: none]")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // The top-level help lists every command's options, so one --help
    // documents everything.
    if (app.get_subcommands().empty()) {
      std::cout << app.help("", CLI::AppFormatMode::All);
    } else {
      std::cout << app.help();
    }
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --version
    return cli_error(app, e);
  }

  install_interrupt_handlers();
  try {
    if (run->parsed()) return run_command(run_args);
    if (validate->parsed()) return validate_command(validate_args);
    return kExitFailure;
  } catch (const clvsim::InputError& e) {
    std::cerr << e.what() << std::endl;
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "clvsim: error: " << e.what() << std::endl;
    return kExitFailure;
  } catch (...) {
    std::cerr << "clvsim: error: unknown internal failure" << std::endl;
    return kExitFailure;
  }
}
