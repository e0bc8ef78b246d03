// clvsim report: one self-contained HTML page of what a run, a sweep or a
// sensitivity analysis wrote into DIR, written to DIR/report.html.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli_common.hpp"
#include "clvsim/report.hpp"

namespace clvsim::cli {
namespace {

struct ReportArgs {
  std::string dir;
  bool quiet = false;
};

int report(const ReportArgs& args) {
  const std::filesystem::path dir = args.dir;
  write_report(dir);
  if (!args.quiet) std::cerr << "wrote " << (dir / "report.html").string() << std::endl;
  return kExitOk;
}

}  // namespace

Command add_report_command(CLI::App& parent) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = parent.add_subcommand(
      "report",
      "Write DIR/report.html: one self-contained HTML page (charts, verdict, resolved "
      "scenario) of the run, sweep or sensitivity analysis in DIR; opens offline and prints");
  command
      ->add_option("dir", args->dir,
                   "Output directory of clvsim run, sweep or sensitivity")
      ->required()
      ->type_name("DIR");
  command->add_flag("--quiet,-q", args->quiet, "Print nothing but errors [default: off]");
  return {command, [args] { return report(*args); }};
}

}  // namespace clvsim::cli
