// libFuzzer target: scenario YAML text -> validated Scenario or InputError.
//
// Contract checked: the loader never crashes, hangs, leaks or throws
// anything but InputError, and a scenario it accepts round-trips: its
// resolved YAML loads again to the same resolved YAML.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string resolved;
  try {
    resolved = clvsim::resolved_scenario_yaml(clvsim::load_scenario_text(text, "fuzz.yaml"));
  } catch (const clvsim::InputError&) {
    return 0;
  }
  // Accepted: the resolved form must load and be a fixed point.
  const std::string again =
      clvsim::resolved_scenario_yaml(clvsim::load_scenario_text(resolved, "resolved.yaml"));
  if (again != resolved) std::abort();
  return 0;
}
