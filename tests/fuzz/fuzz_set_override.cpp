// libFuzzer target: --set overrides on a valid scenario.
//
// Each input line is one PATH=VALUE as typed on the command line, applied
// to the shipped buyer_types.yaml. Contract checked: parse_override and the
// loader answer every override with a loaded scenario or an InputError,
// never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

namespace {

const std::string& base_scenario() {
  static const std::string text = [] {
    std::ifstream in(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<clvsim::Override> overrides;
  try {
    std::istringstream lines(input);
    std::string line;
    while (std::getline(lines, line) && overrides.size() < 16) {
      overrides.push_back(clvsim::parse_override(line));
    }
    clvsim::load_scenario_text(base_scenario(), "buyer_types.yaml", overrides);
  } catch (const clvsim::InputError&) {
  }
  return 0;
}
