#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "clvsim/error.hpp"
#include "clvsim/sweep.hpp"

namespace clvsim {
namespace {

constexpr const char* kOption = "--vary";
constexpr const char* kForm = "PATH=V1,V2,... or PATH=START:STOP:STEP";

[[noreturn]] void fail(const std::string& path, const std::string& problem,
                       const std::string& expected = kForm) {
  throw InputError(kOption, {}, path, problem, expected);
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Splits on commas outside brackets, braces and quotes, so a value may be a
// YAML list or mapping.
std::vector<std::string> split_list(const std::string& path, const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.push_back(trim(item));
      item.clear();
      continue;
    }
    item += c;
  }
  items.push_back(trim(item));
  for (const std::string& value : items) {
    if (value.empty()) fail(path, "an empty value in the list '" + text + "'");
  }
  return items;
}

bool parse_number(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end && std::isfinite(value);
}

// Digits after the decimal point as typed; -1 when in exponent form.
int decimals(const std::string& text) {
  if (text.find_first_of("eE") != std::string::npos) return -1;
  const auto dot = text.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

std::string format_value(double value, int places) {
  char buf[64];
  if (places < 0) {
    std::snprintf(buf, sizeof buf, "%.15g", value);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.*f", places, value);
  std::string s = buf;
  if (s == "-0" || s.rfind("-0.", 0) == 0) {
    // -0.000 is 0: a sign that only rounding produced would change the text.
    if (s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  }
  return s;
}

std::vector<std::string> range_values(const std::string& path, const std::string& text,
                                      const std::vector<std::string>& parts) {
  double start = 0, stop = 0, step = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    double* target = i == 0 ? &start : i == 1 ? &stop : &step;
    if (!parse_number(parts[i], *target)) {
      fail(path, "'" + parts[i] + "' in '" + text + "' is not a number");
    }
  }
  if (step == 0) fail(path, "the step of '" + text + "' is 0");
  if ((stop - start) / step < 0) {
    fail(path, "the step of '" + text + "' moves away from the stop value");
  }
  const double span = (stop - start) / step;
  if (span + 1 > static_cast<double>(kMaxSweepPoints)) {
    fail(path, "'" + text + "' has more than " + std::to_string(kMaxSweepPoints) + " values",
         "a coarser step");
  }
  // A small tolerance so that 0:1:0.1 includes 1 despite rounding.
  const auto count = static_cast<std::size_t>(std::floor(span + 1e-9)) + 1;
  int places = 0;
  for (const std::string& part : parts) {
    const int d = decimals(part);
    places = (d < 0 || places < 0) ? -1 : std::max(places, d);
  }
  std::vector<std::string> values;
  for (std::size_t i = 0; i < count; ++i) {
    values.push_back(format_value(start + static_cast<double>(i) * step, places));
  }
  return values;
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) fail("", "'" + text + "' has no '='");
  SweepAxis axis;
  axis.path = trim(text.substr(0, eq));
  if (axis.path.empty()) fail("", "'" + text + "' has no key path before '='");
  const std::string values = trim(text.substr(eq + 1));
  if (values.empty()) fail(axis.path, "no values after '='");

  // START:STOP:STEP only when all three parts are numbers; anything else
  // with colons (a YAML mapping, a time) is a one-value list.
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (;;) {
    const auto colon = values.find(':', from);
    parts.push_back(trim(values.substr(from, colon - from)));
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  const bool looks_numeric =
      parts.size() == 3 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) {
        return !p.empty() && p.find_first_not_of("0123456789.+-eE") == std::string::npos;
      });
  axis.values = looks_numeric ? range_values(axis.path, values, parts)
                              : split_list(axis.path, values);
  return axis;
}

std::vector<std::vector<std::string>> sweep_points(const std::vector<SweepAxis>& axes,
                                                   bool zip) {
  if (axes.empty()) fail("", "nothing to vary", "at least one --vary " + std::string(kForm));
  std::set<std::string> seen;
  for (const SweepAxis& axis : axes) {
    if (!seen.insert(axis.path).second) fail(axis.path, "varied twice", "each key path once");
  }
  std::vector<std::vector<std::string>> points;
  if (zip) {
    for (const SweepAxis& axis : axes) {
      if (axis.values.size() != axes[0].values.size()) {
        fail(axis.path,
             "has " + std::to_string(axis.values.size()) + " values but " + axes[0].path +
                 " has " + std::to_string(axes[0].values.size()),
             "the same number of values on every axis with --zip");
      }
    }
    for (std::size_t i = 0; i < axes[0].values.size(); ++i) {
      std::vector<std::string> point;
      for (const SweepAxis& axis : axes) point.push_back(axis.values[i]);
      points.push_back(std::move(point));
    }
    return points;
  }
  double size = 1;
  for (const SweepAxis& axis : axes) size *= static_cast<double>(axis.values.size());
  if (size > static_cast<double>(kMaxSweepPoints)) {
    fail("", "the grid has " + format_value(size, 0) + " points, more than " +
                 std::to_string(kMaxSweepPoints),
         "fewer values, or --zip to pair them");
  }
  // Odometer order: the last axis turns fastest.
  std::vector<std::size_t> at(axes.size(), 0);
  for (;;) {
    std::vector<std::string> point;
    for (std::size_t a = 0; a < axes.size(); ++a) point.push_back(axes[a].values[at[a]]);
    points.push_back(std::move(point));
    std::size_t a = axes.size();
    while (a > 0 && ++at[a - 1] == axes[a - 1].values.size()) at[--a] = 0;
    if (a == 0) return points;
  }
}

}  // namespace clvsim
