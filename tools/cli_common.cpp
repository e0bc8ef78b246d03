#include "cli_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <sstream>
#include <limits>
#include <memory>
#include <system_error>

#include "clvsim/error.hpp"
#include "clvsim/report.hpp"
#include "clvsim/simulation.hpp"
#include "progress_display.hpp"

namespace clvsim::cli {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "the signal handler needs a lock-free flag");

namespace {

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

}  // namespace

namespace {

Cluster* g_cluster = nullptr;
// Whether the ranks have met at agree_to_simulate(), and how it went.
enum class Agreement { pending, failed, succeeded };
Agreement g_agreement = Agreement::pending;

}  // namespace

Cluster& cluster() {
  static const std::unique_ptr<Cluster> alone = single_process();
  return g_cluster != nullptr ? *g_cluster : *alone;
}

void set_cluster(Cluster& cluster) { g_cluster = &cluster; }

std::vector<Readiness> exchange_readiness(bool ready, const std::string& fingerprint) {
  // Two 32-bit halves: each is exact as a double.
  const std::uint64_t hash = std::hash<std::string>{}(fingerprint);
  std::vector<std::size_t> counts;
  const std::vector<double> all =
      cluster().all_gather({ready ? 1.0 : 0.0, static_cast<double>(hash >> 32),
                            static_cast<double>(hash & 0xffffffffu)},
                           counts);
  std::vector<Readiness> ranks(cluster().size());
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    ranks[k].ready = all[3 * k] != 0.0;
    ranks[k].fingerprint =
        static_cast<std::uint64_t>(all[3 * k + 1]) << 32 | static_cast<std::uint64_t>(all[3 * k + 2]);
  }
  return ranks;
}

bool agreement_pending() { return g_agreement == Agreement::pending; }
bool agreement_failed() { return g_agreement == Agreement::failed; }

void agree_to_simulate(const std::string& fingerprint) {
  Cluster& ranks = cluster();
  if (ranks.size() == 1) return;
  const std::vector<Readiness> all = exchange_readiness(true, fingerprint);
  // Every rank sees the same exchange, so all agree on how it went.
  g_agreement = Agreement::failed;
  for (int k = 0; k < ranks.size(); ++k) {
    if (!all[k].ready) {
      if (ranks.is_root()) {
        throw InputError("rank " + std::to_string(k), {}, "",
                         "failed before the run (its message is above); no rank ran",
                         "every rank able to read the scenario and the data it names");
      }
      throw QuietExit{kExitBadInput};
    }
    if (all[k].fingerprint != all[0].fingerprint) {
      if (ranks.is_root()) {
        throw InputError("rank " + std::to_string(k), {}, "",
                         "loaded a different scenario from rank 0's (different files on "
                         "different nodes?); no rank ran",
                         "the same scenario and options on every rank");
      }
      throw QuietExit{kExitBadInput};
    }
  }
  g_agreement = Agreement::succeeded;
}

bool agree_after_failure() {
  const std::vector<Readiness> all = exchange_readiness(false, "");
  g_agreement = Agreement::failed;
  return !all[0].ready;
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool run_unless_interrupted(const std::function<void()>& simulate,
                            ProgressDisplay* progress) {
  try {
    simulate();
  } catch (const RunCancelled&) {
  }
  // Other exceptions stop it in its destructor, before main reports them.
  if (progress != nullptr) progress->stop();
  if (!g_interrupted.load()) return true;
  std::cerr << "clvsim: interrupted; no outputs written" << std::endl;
  return false;
}

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
    throw InputError(option, {}, "", text + " is out of range", expected);
  }
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    throw InputError(option, {}, "", "'" + text + "' is not a whole number",
                     expected);
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    throw InputError(option, {}, "", text + " is out of range", expected);
  }
  return value;
}

double parse_real(const std::string& option, const std::string& text,
                  double lo, double hi) {
  std::ostringstream expected;
  expected << "a number in [" << lo << ", " << hi << "]";
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end ||
      !std::isfinite(value)) {
    throw InputError(option, {}, "", "'" + text + "' is not a number",
                     expected.str());
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    throw InputError(option, {}, "", text + " is out of range", expected.str());
  }
  return value;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  overrides.reserve(sets.size());
  for (const auto& text : sets) overrides.push_back(parse_override(text));
  return overrides;
}

std::string plural(std::uint64_t n, const std::string& one,
                   const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string plural(std::uint64_t n, const std::string& word) {
  return plural(n, word, word + "s");
}

void check_output_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  // Only rank 0 writes; other ranks may run where DIR does not exist.
  if (!cluster().is_root()) return;
  const std::string shown = dir.string();
  if (shown.empty()) {
    throw InputError("--out", {}, "", "empty directory name",
                     "a directory path");
  }
  fs::path probe = fs::absolute(dir).lexically_normal();
  std::error_code ec;
  while (!fs::exists(fs::symlink_status(probe, ec)) &&
         probe.has_parent_path() && probe.parent_path() != probe) {
    probe = probe.parent_path();
  }
  if (!fs::is_directory(probe, ec)) {
    throw OutputUnusable(InputError("--out", {}, "",
                                    "'" + probe.string() + "' is not a directory, so '" +
                                        shown + "' cannot be created",
                                    "a directory path")
                             .what());
  }
  if (::access(probe.c_str(), W_OK | X_OK) != 0) {
    throw OutputUnusable(
        InputError("--out", {}, "",
                   "'" + probe.string() + "' is not writable: " + std::strerror(errno),
                   "a directory you may write into")
            .what());
  }
}

void add_simulate_options(CLI::App& command, SimulateArgs& args) {
  command.add_option("scenario", args.scenario, "Scenario file (YAML)")
      ->required()
      ->type_name("SCENARIO.yaml");
  command
      .add_option("-o,--out", args.out,
                  "Output directory, created if missing [default: clvsim-out]")
      ->type_name("DIR");
  command
      .add_option("-j,--threads", args.threads,
                  "Worker threads, 0 = all hardware threads; results do not "
                  "depend on it [default: 0]")
      ->type_name("N");
  command
      .add_option("--seed", args.seed,
                  "Random seed, 0 to 2^64-1 [default: the scenario's "
                  "simulation.seed, which defaults to 1]")
      ->type_name("S");
  command
      .add_option("-r,--replications", args.replications,
                  "Monte Carlo replications, 1 to " +
                      std::to_string(kMaxReplications) +
                      " [default: the scenario's simulation.replications, "
                      "which defaults to 32]")
      ->type_name("R");
  command
      .add_option("--set", args.sets,
                  "Override one scenario value by key path, e.g. "
                  "segments.transactional.revenue.mean=60; repeatable "
                  "[default: none]")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  command.add_flag("-q,--quiet", args.quiet,
                   "Print nothing but errors, no progress either [default: off]");
  command.add_flag("--report", args.report,
                   "Also write DIR/report.html, as `clvsim report DIR` does [default: off]");
}

void write_report_if_asked(const SimulateArgs& args, const std::filesystem::path& dir) {
  if (args.report) write_report(dir);
}

void say_report_written(const SimulateArgs& args) {
  if (args.report && !args.quiet) {
    std::cerr << "wrote " << (std::filesystem::path(args.out) / "report.html").string()
              << std::endl;
  }
}

Scenario load_variant(const SimulateArgs& args, const std::vector<Override>& extra) {
  // Cheap checks first, so a typo fails before a slow scenario load.
  std::vector<Override> overrides = parse_overrides(args.sets);
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  std::optional<std::uint64_t> seed;
  if (!args.seed.empty()) {
    seed = parse_count("--seed", args.seed, 0,
                       std::numeric_limits<std::uint64_t>::max());
  }
  std::optional<std::uint32_t> replications;
  if (!args.replications.empty()) {
    replications = static_cast<std::uint32_t>(parse_count(
        "--replications", args.replications, 1, kMaxReplications));
  }
  Scenario scenario = load_scenario(args.scenario, overrides);
  if (seed) scenario.simulation.seed = *seed;
  if (replications) scenario.simulation.replications = *replications;
  return scenario;
}

int load_for_simulation(const SimulateArgs& args, Scenario& scenario) {
  const int threads =
      static_cast<int>(parse_count("--threads", args.threads, 0, kMaxThreads));
  scenario = load_variant(args, {});
  check_output_directory(args.out);
  return threads;
}

void print_run_banner(const Scenario& scenario, int threads,
                      bool replications_chosen_later) {
  const int shown_threads = thread_count(threads);
  std::cerr << "clvsim: scenario " << scenario.name << ", "
            << (replications_chosen_later
                    ? std::string("replications until the precision target")
                    : plural(scenario.simulation.replications, "replication"))
            << ", "
            << plural(scenario.segments.size(), "segment") << ", "
            << plural(scenario.strategies.size(), "strategy", "strategies")
            << ", " << plural(static_cast<std::uint64_t>(shown_threads), "thread");
  if (cluster().size() > 1) {
    std::cerr << " on each of " << cluster().size() << " MPI ranks";
  }
  std::cerr << std::endl;
}

}  // namespace clvsim::cli
