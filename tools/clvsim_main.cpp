// The clvsim command-line program (SPEC section 2): one subcommand per file
// (tools/*_command.cpp), shared option handling in cli_common.
//
// Everything the user gave is loaded and checked before an output directory
// is touched, so bad input never leaves anything behind.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli_common.hpp"
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

  install_interrupt_handlers();
  // Past a file-size limit (ulimit -f, a quota), a write must fail with
  // EFBIG so the output writer can report it and remove its temporary
  // file, instead of SIGXFSZ killing the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    for (const Command& command : commands) {
      if (command.app->parsed()) return command.run();
    }
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
