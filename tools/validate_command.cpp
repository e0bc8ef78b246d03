// clvsim validate: load and check a scenario without running it.
#include <iostream>
#include <memory>

#include "cli_common.hpp"

namespace clvsim::cli {
namespace {

struct ValidateArgs {
  std::string scenario;
  std::vector<std::string> sets;
  bool print = false;
};

int validate(const ValidateArgs& args) {
  const Scenario scenario =
      load_scenario(args.scenario, parse_overrides(args.sets));
  if (args.print) {
    std::cout << resolved_scenario_yaml(scenario) << std::flush;
    return kExitOk;
  }
  std::cout << args.scenario << ": ok (" << scenario.name << ", "
            << plural(scenario.segments.size(), "segment") << ", "
            << plural(static_cast<std::uint64_t>(scenario.horizon), "period")
            << ", "
            << plural(scenario.strategies.size(), "strategy", "strategies")
            << ")" << std::endl;
  return kExitOk;
}

}  // namespace

Command add_validate_command(CLI::App& parent) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* command = parent.add_subcommand(
      "validate", "Check a scenario file without running it");
  command->add_option("scenario", args->scenario, "Scenario file (YAML)")
      ->required()
      ->type_name("SCENARIO.yaml");
  command
      ->add_option("--set", args->sets,
                   "Override one scenario value by key path before "
                   "checking; repeatable [default: none]")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  command->add_flag("--print", args->print,
                    "Print the scenario with every default filled in (what run writes "
                    "as scenario.resolved.yaml) instead of a summary [default: off]");
  return {command, [args] { return validate(*args); }};
}

}  // namespace clvsim::cli
