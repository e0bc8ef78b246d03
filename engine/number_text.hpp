// Numbers as text that reads back to exactly the same double: the shortest
// round-trip form of std::to_chars. Used wherever a number is written for a
// machine to read again (resolved scenarios, CSV, error messages), so one
// rule holds everywhere and outputs stay byte-identical.
#pragma once

#include <array>
#include <charconv>
#include <string>

namespace clvsim {

inline std::string shortest_text(double value) {
  std::array<char, 32> buf{};  // enough for any double's shortest form
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string("?");
}

}  // namespace clvsim
