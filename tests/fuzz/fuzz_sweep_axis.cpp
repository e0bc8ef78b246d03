// libFuzzer target: `clvsim sweep --vary` values.
//
// Each input line is one --vary argument. Contract checked: the axes and
// the grid of points are built or refused with an InputError, never a
// crash, another exception or a runaway allocation (the point count is
// bounded by kMaxSweepPoints).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool zip = data[0] % 2 == 1;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<clvsim::SweepAxis> axes;
  try {
    std::istringstream lines(input);
    std::string line;
    while (std::getline(lines, line) && axes.size() < 8) {
      axes.push_back(clvsim::parse_sweep_axis(line));
    }
    const auto points = clvsim::sweep_points(axes, zip);
    if (points.size() > clvsim::kMaxSweepPoints) std::abort();
  } catch (const clvsim::InputError&) {
  }
  return 0;
}
