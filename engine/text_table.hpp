// Plain-text tables and number formats shared by the console summaries of
// run, sweep and sensitivity: ASCII only, so they survive any terminal, log
// file or CI console. Machines read the JSON and CSV files instead.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "clvsim/results.hpp"

namespace clvsim {

enum class Align { left, right };

// Columns sized to their widest cell, separated by two spaces.
class Table {
 public:
  explicit Table(std::vector<Align> align) : align_(std::move(align)) {}

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string render(const std::string& indent) const {
    std::vector<std::size_t> width(align_.size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        width[c] = std::max(width[c], row[c].size());
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        if (c > 0) line += "  ";
        std::string pad(width[c] - row[c].size(), ' ');
        line += align_[c] == Align::right ? pad + row[c] : row[c] + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    return out;
  }

 private:
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

inline std::string fixed(double x, int decimals, bool sign = false) {
  if (!std::isfinite(x)) return "n/a";
  // Keep "-0.00" from appearing for values that round to zero.
  if (std::fabs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, x);
  return buf;
}

inline std::string plus_minus(double half_width, int decimals, const char* unit = "") {
  if (!std::isfinite(half_width)) return "+/- n/a";
  return "+/- " + fixed(half_width, decimals) + unit;
}

inline std::string interval(const Interval& ci, int decimals, bool sign = false) {
  if (!std::isfinite(ci.low) || !std::isfinite(ci.high)) return "";
  return "[" + fixed(ci.low, decimals, sign) + ", " +
         fixed(ci.high, decimals, sign) + "]";
}

inline double half_width(const Interval& ci) { return 0.5 * (ci.high - ci.low); }

inline const char* verdict(const Interval& ci) {
  if (std::isfinite(ci.low) && ci.low > 0) return "better";
  if (std::isfinite(ci.high) && ci.high < 0) return "worse";
  return "no clear difference";
}

}  // namespace clvsim
