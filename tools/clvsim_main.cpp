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
#include <memory>
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

int cli_error(const CLI::App& app, const CLI::Error& e) {
  // The deepest command given, e.g. "clvsim fit sbg --help".
  std::string help_hint = "clvsim";
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    help_hint += " " + at->get_name();
  }
  help_hint += " --help";
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
  std::cerr << "clvsim: " << message << "\n"
            << "Run '" << help_hint << "' for usage." << std::endl;
  return kExitBadInput;
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // The top-level help lists every command's options, so one --help
    // documents everything.
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
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --version
    return cli_error(app, e);
  }

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
