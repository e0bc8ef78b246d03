// sensitivity.csv and the console tornado.
#include <string>

#include "clvsim/sensitivity.hpp"
#include "csv_text.hpp"
#include "text_table.hpp"

namespace clvsim {
namespace {

void append_side(std::string& out, const std::string& value, const std::optional<double>& metric,
                 double base) {
  out += ',';
  append_csv_field(out, value);
  out += ',';
  if (metric) append_csv_number(out, *metric);
  out += ',';
  if (metric) append_csv_number(out, *metric - base);
}

std::string change(const std::optional<double>& metric, double base) {
  return metric ? fixed(*metric - base, 2, true) : "n/a";
}

// A bar of up to `width` characters either side of the base: '-' where the
// metric falls, '+' where it rises, as in a tornado chart.
std::string bar(const SensitivityRow& row, double base, double widest, int width) {
  const auto length = [&](const std::optional<double>& m) {
    if (!m || widest <= 0) return 0;
    return static_cast<int>(std::lround(std::fabs(*m - base) / widest * width));
  };
  double low_move = row.low ? *row.low - base : 0;
  double high_move = row.high ? *row.high - base : 0;
  const int left = std::max(low_move < 0 ? length(row.low) : 0, high_move < 0 ? length(row.high) : 0);
  const int right = std::max(low_move > 0 ? length(row.low) : 0, high_move > 0 ? length(row.high) : 0);
  return std::string(width - left, ' ') + std::string(left, '-') + "|" + std::string(right, '+');
}

}  // namespace

std::string sensitivity_csv(const SensitivityResult& result) {
  std::string out =
      "rank,parameter,value,low_value,low_metric,low_change,high_value,high_metric,"
      "high_change,swing,elasticity,note\n";
  for (std::size_t i = 0; i < result.rows.size(); ++i) {
    const SensitivityRow& row = result.rows[i];
    out += std::to_string(i + 1) + ',';
    append_csv_field(out, row.path);
    out += ',';
    append_csv_number(out, row.value);
    append_side(out, row.low_value, row.low, result.base);
    append_side(out, row.high_value, row.high, result.base);
    out += ',';
    append_csv_number(out, row.swing);
    out += ',';
    append_csv_number(out, row.elasticity);
    out += ',';
    std::string note;
    if (!row.low_problem.empty()) note += "low: " + row.low_problem;
    if (!row.high_problem.empty()) note += (note.empty() ? "" : "; ") + ("high: " + row.high_problem);
    append_csv_field(out, note);
    out += '\n';
  }
  return out;
}

std::string sensitivity_table(const SensitivityResult& result, std::size_t max_rows) {
  std::string out = "Sensitivity of " + result.metric + " (base " + fixed(result.base, 2) + ", se " +
                    fixed(result.base_se, 2) + ")\n";
  Table table({Align::right, Align::left, Align::right, Align::right, Align::right,
               Align::right, Align::left});
  table.add({"rank", "parameter", "value", "low", "high", "elasticity", "effect"});
  const double widest = result.rows.empty() ? 0 : result.rows.front().swing;
  std::size_t shown = 0;
  for (const SensitivityRow& row : result.rows) {
    if (shown == max_rows) break;
    ++shown;
    table.add({std::to_string(shown), row.path, shortest_text(row.value),
               change(row.low, result.base), change(row.high, result.base),
               std::isfinite(row.elasticity) ? fixed(row.elasticity, 2) : "n/a",
               bar(row, result.base, widest, 12)});
  }
  out += table.render("  ");
  if (shown < result.rows.size()) {
    out += "  ... " + std::to_string(result.rows.size() - shown) +
           " more in sensitivity.csv (--top to show more)\n";
  }
  out += "  low/high: change of the metric with the parameter moved down/up; "
         "n/a: that move is outside the key's valid range (see the note in sensitivity.csv)\n";
  return out;
}

}  // namespace clvsim
