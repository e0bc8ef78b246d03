// The clvsim command-line program (SPEC section 2): one subcommand per file
// (tools/*_command.cpp), shared option handling in cli_common.
//
// Everything the user gave is loaded and checked before an output directory
// is touched, so bad input never leaves anything behind.
#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <streambuf>
#include <thread>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_common.hpp"
#include "clvsim/cluster.hpp"
#include "clvsim/error.hpp"

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "unknown"
#endif

namespace {

using namespace clvsim::cli;

constexpr const char* kCommandList = "run, validate, sweep, sensitivity, fit or report";

// The command given, e.g. "fit sbg", so ranks can check they run the same.
std::string command_chain(const CLI::App& app) {
  std::string chain;
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    chain += " " + at->get_name();
  }
  return chain;
}

// The message for a command line that does not parse.
std::string cli_error(const CLI::App& app, const CLI::Error& e) {
  // The deepest command given, e.g. "clvsim fit sbg --help".
  const std::string help_hint = "clvsim" + command_chain(app) + " --help";
  // CLI11 checks for a missing command before unknown arguments, so
  // `clvsim --bogus` would otherwise only say a command is required.
  std::string message = e.what();
  const auto unknown = app.remaining();
  if (app.get_subcommands().empty()) {
    message = unknown.empty()
                  ? "missing command (expected " + std::string(kCommandList) + ")"
                  : "unknown command or option: " + unknown.front() +
                        " (expected " + std::string(kCommandList) + ")";
  }
  return "clvsim: " + message + "\nRun '" + help_hint + "' for usage.";
}

// A stream buffer that drops everything: other ranks' stdout and stderr,
// so a K-rank run prints what a single process would, once.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

// What this rank says about its own failure. Rank 0 speaks for the run;
// another rank only for a failure of its own (std::cerr is silenced there).
void report_error(const std::string& message, bool own) {
  if (cluster().is_root()) {
    std::cerr << message << std::endl;
  } else if (own) {
    const std::string_view text =
        message.rfind("clvsim: ", 0) == 0 ? std::string_view(message).substr(8) : message;
    std::fprintf(stderr, "clvsim (rank %d of %d): %.*s\n", cluster().rank(), cluster().size(),
                 static_cast<int>(text.size()), text.data());
    std::fflush(stderr);
  }
}

// After a failure on a distributed command: before the agreement every rank
// meets there and exits, as after an agreement that failed; after a
// successful one, peers may be waiting in a collective this rank will never
// join, so the whole job is ended.
int end_failed_rank(const Command* command, int code, const std::string& message,
                    bool input_error) {
  if (cluster().size() == 1 || command == nullptr || !command->distributed) {
    report_error(message, true);
    return code;
  }
  if (agreement_pending()) {
    const bool root_failed_too = agree_after_failure();
    report_error(message, !root_failed_too);
    return code;
  }
  if (agreement_failed()) {
    report_error(message, false);  // rank 0 has said why
    return code;
  }
  report_error(message, !input_error);
  cluster().abort(code);
  return code;  // not reached
}

// Under an MPI launcher every rank parses its own command line, and they
// meet once right after, before anything else: a rank whose command line
// does not parse, or names another command than rank 0's, ends every rank
// with exit 2 instead of leaving the others waiting at a collective it never
// reaches. Returns the code to exit with, or nothing to go on.
std::optional<int> agree_on_command_line(const std::string& command, const std::string& failure) {
  if (cluster().size() == 1) {
    if (failure.empty()) return std::nullopt;
    std::cerr << failure << std::endl;
    return kExitBadInput;
  }
  const std::vector<Readiness> all = exchange_readiness(failure.empty(), command);
  if (!failure.empty()) {
    report_error(failure, cluster().is_root() || all[0].ready);  // rank 0 speaks for all alike
    return kExitBadInput;
  }
  for (int k = 0; k < cluster().size(); ++k) {
    if (all[k].ready && all[k].fingerprint == all[0].fingerprint) continue;
    report_error("clvsim: rank " + std::to_string(k) +
                     (all[k].ready ? " was given a different command from rank 0's"
                                   : "'s command line does not parse (its message is above)") +
                     "; no rank ran",
                 false);
    return kExitBadInput;
  }
  return std::nullopt;
}

int run_cli(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  // First: MPI may take its own arguments out of argv.
  const std::unique_ptr<clvsim::Cluster> ranks = clvsim::join_cluster(&argc, &argv);
  set_cluster(*ranks);
  // Static: std::cout and std::cerr are flushed after main returns.
  static NullBuffer discard;
  if (!ranks->is_root()) {
    std::cout.rdbuf(&discard);
    std::cerr.rdbuf(&discard);
  }
  const int code = run_cli(argc, argv);
  std::cout.flush();
  if (code == kExitInterrupted && ranks->size() > 1) {
    // Peers may be anywhere after a signal; the launcher cleans up after a
    // rank that leaves without MPI_Finalize. mpirun ends the whole job as
    // soon as one rank exits non-zero, so the other ranks stay a moment and
    // leave rank 0 the time to save the checkpoint first.
    std::fflush(nullptr);
    if (!ranks->is_root()) std::this_thread::sleep_for(std::chrono::seconds(2));
    std::_Exit(code);
  }
  return code;
}

namespace {

int run_cli(int argc, char** argv) {
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

  const std::vector<Command> commands = {
      add_run_command(app),
      add_validate_command(app),
      add_sweep_command(app),
      add_sensitivity_command(app),
      add_fit_command(app),
      add_report_command(app),
  };

  std::string failure;          // why the command line does not parse
  std::function<int()> answer;  // for --help and --version: print it
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    answer = [&app] {
      // The top-level help lists every command's options, so one --help
      // documents everything (CLI11 shows one level; `fit sbg` is two).
      if (app.get_subcommands().empty()) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        for (const CLI::App* command : app.get_subcommands({})) {
          for (const CLI::App* nested : command->get_subcommands({})) {
            std::cout << "\n" << nested->help("clvsim " + command->get_name(),
                                              CLI::AppFormatMode::All);
          }
        }
      } else {
        std::cout << app.help();
      }
      return kExitOk;
    };
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      answer = [&app, e] { return app.exit(e); };  // --version
    } else {
      failure = cli_error(app, e);
    }
  }
  const std::string given = command_chain(app) + (answer ? " (help or version)" : "");
  if (const std::optional<int> code = agree_on_command_line(given, failure)) return *code;
  if (answer) return answer();

  const Command* chosen = nullptr;
  for (const Command& command : commands) {
    if (command.app->parsed()) chosen = &command;
  }
  // Only the simulating commands share work; rank 0 does the rest alone.
  if (chosen != nullptr && !chosen->distributed && !cluster().is_root()) return kExitOk;

  install_interrupt_handlers();
  cluster().set_cancel(&g_interrupted);
  // Past a file-size limit (ulimit -f, a quota), a write must fail with
  // EFBIG so the output writer can report it and remove its temporary
  // file, instead of SIGXFSZ killing the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return chosen != nullptr ? chosen->run() : kExitFailure;
  } catch (const QuietExit& e) {
    return e.code;
  } catch (const clvsim::InputError& e) {
    return end_failed_rank(chosen, kExitBadInput, e.what(), true);
  } catch (const OutputUnusable& e) {
    return end_failed_rank(chosen, kExitFailure, e.what(), false);
  } catch (const std::exception& e) {
    return end_failed_rank(chosen, kExitFailure, std::string("clvsim: error: ") + e.what(), false);
  } catch (...) {
    return end_failed_rank(chosen, kExitFailure, "clvsim: error: unknown internal failure", false);
  }
}

}  // namespace
