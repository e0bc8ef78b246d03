// Fields of the CSV files clvsim writes (periods.csv, sweep.csv,
// sensitivity.csv): RFC 4180 quoting and numbers in their shortest
// round-trip form, so files are byte-identical for identical results and
// independent of the locale.
#pragma once

#include <cmath>
#include <string>

#include "number_text.hpp"

namespace clvsim {

// Quotes a field that holds a separator, quote or line break, doubling the
// quotes inside it.
inline void append_csv_field(std::string& out, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// An unknown value (NaN se with one replication, no ROI) is an empty field,
// which every CSV reader maps to missing.
inline void append_csv_number(std::string& out, double x) {
  if (std::isfinite(x)) out += shortest_text(x);
}

}  // namespace clvsim
