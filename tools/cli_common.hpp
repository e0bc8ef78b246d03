// What every clvsim command shares: exit codes, the interrupt flag, strict
// parsing of option values, and the checks made before a command touches
// its output directory.
//
// Exit codes are part of the contract (SPEC section 2): 0 success, 2 bad
// input (scenario, data file, command line, option values), 1 internal or
// I/O failure, 130 interrupted. Option values are user input, so parse
// failures throw clvsim::InputError with the option standing in for the file.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "clvsim/cluster.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;
constexpr std::uint64_t kMaxThreads = 1 << 16;

// A subcommand: its CLI11 node and what to do when it was the one parsed.
// Each command keeps its parsed arguments alive inside `run`. A
// `distributed` one (run, sweep, sensitivity) runs on every rank of an MPI
// job and calls agree_to_simulate() first; the others run on rank 0 alone.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
  bool distributed = false;
};

// The processes of this run (clvsim/cluster.hpp), set once by main.
Cluster& cluster();
void set_cluster(Cluster& cluster);

// Thrown to end a rank with `code` when its reason was already reported
// (by itself or by rank 0).
struct QuietExit {
  int code;
};

// Collective: every rank says whether it is ready to go on and gives a
// fingerprint (a hash of `fingerprint`) of what it is about to do.
struct Readiness {
  bool ready = false;
  std::uint64_t fingerprint = 0;
};
std::vector<Readiness> exchange_readiness(bool ready, const std::string& fingerprint);

// The collective of a distributed command (after main's meeting on the
// command line) reached by every rank once
// it has loaded and checked everything and before it simulates; a rank that
// failed before it joins it from main's error handler (agree_after_failure).
// Ranks must agree on `fingerprint` (the resolved scenarios): ranks reading
// different files is an error. Throws when any rank failed: InputError on
// rank 0 naming the rank, QuietExit elsewhere. Nothing to do on one process.
void agree_to_simulate(const std::string& fingerprint);
// Whether the ranks have yet to meet there; whether they met and failed.
bool agreement_pending();
bool agreement_failed();

// For main's handler of an error on this rank before agree_to_simulate():
// joins the agreement as failed. Returns whether rank 0 failed too (then it
// reports, and this rank need not).
bool agree_after_failure();

Command add_run_command(CLI::App& parent);
Command add_validate_command(CLI::App& parent);
Command add_fit_command(CLI::App& parent);
Command add_sweep_command(CLI::App& parent);
Command add_sensitivity_command(CLI::App& parent);
Command add_report_command(CLI::App& parent);

// Set by SIGINT/SIGTERM; the engine polls it between blocks of customers.
extern std::atomic<bool> g_interrupted;
void install_interrupt_handlers();

class ProgressDisplay;

// Runs `simulate` (which passes &g_interrupted to the engine), then stops
// `progress` (joins its reporter, clears its bar) when given. Returns
// false, having said so on stderr, when a signal stopped it: the caller then
// returns kExitInterrupted and writes nothing.
bool run_unless_interrupted(const std::function<void()>& simulate,
                            ProgressDisplay* progress = nullptr);

// Strict decimal parse: no sign, no spaces, no trailing text, in [lo, hi].
std::uint64_t parse_count(const std::string& option, const std::string& text,
                          std::uint64_t lo, std::uint64_t hi);

// Strict finite real number in [lo, hi] (from_chars: no spaces, no "inf").
double parse_real(const std::string& option, const std::string& text,
                  double lo, double hi);

std::vector<Override> parse_overrides(const std::vector<std::string>& sets);

std::string plural(std::uint64_t n, const std::string& one,
                   const std::string& many);
std::string plural(std::uint64_t n, const std::string& word);

// An output location that cannot be written (an I/O failure, exit 1), found
// before the run; what() is "OPTION: what is wrong (expected ...)".
class OutputUnusable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Catches an unusable --out before a possibly long run rather than after
// it, without creating anything: the nearest existing ancestor must be a
// directory we may write into (else OutputUnusable). Rank 0 only, the one
// that writes.
void check_output_directory(const std::filesystem::path& dir);

// Options shared by the commands that simulate (run, sweep, sensitivity).
struct SimulateArgs {
  std::string scenario;
  std::string out = "clvsim-out";
  std::string threads = "0";
  std::string seed;
  std::string replications;
  std::vector<std::string> sets;
  bool quiet = false;
  bool report = false;  // also write DIR/report.html
};

void add_simulate_options(CLI::App& command, SimulateArgs& args);

// With --report, writes `dir`/report.html from the outputs just written
// there (as clvsim report would); `dir` is the staging directory of args.out
// (clvsim/output_directory.hpp).
void write_report_if_asked(const SimulateArgs& args, const std::filesystem::path& dir);

// "wrote DIR/report.html" on stderr, with --report and without --quiet.
void say_report_written(const SimulateArgs& args);
// Loads the scenario with --set, --seed and --replications applied and
// checks --threads and --out, all before anything runs. Returns the thread
// count asked for (0 = all).
int load_for_simulation(const SimulateArgs& args, Scenario& scenario);

// The scenario as load_for_simulation() gives it, with `extra` overrides
// applied after the user's --set (a sweep point, a sensitivity variation).
Scenario load_variant(const SimulateArgs& args, const std::vector<Override>& extra);

// "clvsim: scenario NAME, 64 replications, ..." on stderr; without the
// replication count when a precision target chooses it.
void print_run_banner(const Scenario& scenario, int threads,
                      bool replications_chosen_later = false);

}  // namespace clvsim::cli
