// The report's sections for a sweep (the metric against each varied
// parameter) and a sensitivity analysis (the tornado).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "number_text.hpp"
#include "report_format.hpp"
#include "report_sections.hpp"
#include "svg_chart.hpp"

namespace clvsim {
namespace {

constexpr std::size_t kMaxTableRows = 300;
constexpr std::size_t kMaxLinks = 60;
constexpr std::size_t kTornadoRows = 20;

bool parse_number(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end && std::isfinite(value);
}

// The points a chart against axis `k` shows. In a grid, the line through
// point 1: the points whose other values are point 1's. With one axis, or
// axes zipped together (no two points share the other values), every point.
std::vector<int> slice_for_axis(const std::vector<std::vector<std::string>>& values, std::size_t k,
                                std::string& note, const std::vector<std::string>& axes) {
  const auto others = [&](int p) {
    std::string key;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      if (a != k) key += values[p][a] + '\x1f';
    }
    return key;
  };
  std::map<std::string, std::vector<int>> groups;
  for (int p = 1; p < static_cast<int>(values.size()); ++p) groups[others(p)].push_back(p);
  const std::vector<int>& through_first = groups[others(1)];
  if (through_first.size() > 1 || groups.size() == 1) {
    if (axes.size() > 1) {
      note = "Other parameters at point 1's values:";
      for (std::size_t a = 0; a < axes.size(); ++a) {
        if (a != k) note += " " + axes[a] + " = " + values[1][a] + ";";
      }
      note.back() = '.';
    }
    return through_first;
  }
  note = "The other varied parameters change together with this one (--zip).";
  std::vector<int> all;
  for (int p = 1; p < static_cast<int>(values.size()); ++p) all.push_back(p);
  return all;
}

std::vector<std::string> sweep_figures(const SweepReport& s, std::size_t k,
                                       const std::vector<std::string>& strategies,
                                       std::size_t baseline) {
  std::vector<std::vector<std::string>> values(s.points + 1);
  std::map<std::pair<int, std::string>, const SweepRow*> total;
  for (const SweepRow& r : s.rows) {
    if (values[r.point].empty()) values[r.point] = r.values;
    if (r.segment == "total") total[{r.point, r.strategy}] = &r;
  }
  std::string note;
  const std::vector<int> points = slice_for_axis(values, k, note, s.axes);
  std::vector<double> x;
  bool numeric = true;
  for (int p : points) {
    double v = 0;
    numeric = numeric && parse_number(values[p][k], v);
    x.push_back(v);
  }
  std::vector<int> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  if (numeric) std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return x[a] < x[b]; });

  svg::LineChart clv, uplift;
  for (auto* chart : {&clv, &uplift}) {
    chart->x.title = s.axes[k];
    chart->x.tight = true;
    chart->band_label = "95% CI";
    if (!numeric) {
      for (int i : order) chart->x.categories.push_back(values[points[i]][k]);
    }
  }
  clv.id = "chart-sweep-clv-" + std::to_string(k + 1) + "-" + id_safe(s.axes[k]);
  clv.kind = "sweep-clv";
  clv.title = "CLV per customer, all segments";
  clv.y.title = "CLV per customer";
  uplift.id = "chart-sweep-uplift-" + std::to_string(k + 1) + "-" + id_safe(s.axes[k]);
  uplift.kind = "sweep-uplift";
  uplift.title = "Uplift vs " + strategies[baseline] + ", all segments";
  uplift.y.title = "CLV uplift per customer";
  uplift.y.include_zero = true;
  for (std::size_t j = 0; j < strategies.size(); ++j) {
    svg::LineSeries a{strategies[j], j, {}, {}, {}, {}, {}};
    svg::LineSeries b = a;
    for (std::size_t n = 0; n < order.size(); ++n) {
      const int i = order[n];
      const double at = numeric ? x[i] : static_cast<double>(n);
      auto it = total.find({points[i], strategies[j]});
      if (it == total.end()) continue;
      const SweepRow& r = *it->second;
      a.x.push_back(at), a.y.push_back(r.clv.mean);
      a.low.push_back(r.clv_ci95.low), a.high.push_back(r.clv_ci95.high);
      if (r.clv_uplift && r.clv_uplift_ci95) {
        b.x.push_back(at), b.y.push_back(r.clv_uplift->mean);
        b.low.push_back(r.clv_uplift_ci95->low), b.high.push_back(r.clv_uplift_ci95->high);
      }
    }
    clv.series.push_back(std::move(a));
    if (j != baseline) uplift.series.push_back(std::move(b));
  }
  std::vector<std::string> out = {figure(svg::line_chart(clv), html_escape(note))};
  if (!uplift.series.empty()) out.push_back(figure(svg::line_chart(uplift), html_escape(note)));
  return out;
}

std::string sweep_table(const SweepReport& s) {
  std::vector<std::string> header = {"point"};
  for (const std::string& a : s.axes) header.push_back(html_escape(a));
  header.insert(header.end(), {"strategy", "CLV per customer", "95% CI", "uplift vs baseline", "95% CI"});
  std::vector<std::vector<std::string>> rows;
  std::size_t total_rows = 0;
  for (const SweepRow& r : s.rows) {
    if (r.segment != "total") continue;
    if (++total_rows > kMaxTableRows) continue;
    std::vector<std::string> row = {std::to_string(r.point)};
    for (const std::string& v : r.values) row.push_back(html_escape(v));
    row.push_back(html_escape(r.strategy));
    row.push_back(money(r.clv.mean));
    row.push_back(interval_text(r.clv_ci95.low, r.clv_ci95.high));
    row.push_back(r.clv_uplift ? money(r.clv_uplift->mean, true) : "baseline");
    row.push_back(r.clv_uplift_ci95 ? interval_text(r.clv_uplift_ci95->low, r.clv_uplift_ci95->high, true) : "");
    rows.push_back(std::move(row));
  }
  std::string html = html_table(header, rows, 2 + s.axes.size());
  if (total_rows > kMaxTableRows) {
    html += "<p class=\"note\">First " + std::to_string(kMaxTableRows) + " of " +
            std::to_string(total_rows) + " rows; every row, per segment too, is in sweep.csv.</p>\n";
  }
  return html;
}

}  // namespace

std::vector<ReportSection> sweep_sections(const SweepReport& s) {
  std::vector<std::string> strategies;
  std::string baseline_name;
  for (const SweepRow& r : s.rows) {
    if (std::find(strategies.begin(), strategies.end(), r.strategy) == strategies.end()) {
      strategies.push_back(r.strategy);
    }
    if (baseline_name.empty()) baseline_name = r.baseline;
  }
  std::size_t baseline = 0;
  for (std::size_t j = 0; j < strategies.size(); ++j) {
    if (strategies[j] == baseline_name) baseline = j;
  }
  std::string html = "<p>" + std::to_string(s.points) + (s.points == 1 ? " point" : " points") +
                     ", varying ";
  for (std::size_t k = 0; k < s.axes.size(); ++k) {
    html += (k ? ", " : "") + std::string("<code>") + html_escape(s.axes[k]) + "</code>";
  }
  html += ". Every point meets the same simulated customers (common random numbers), so the "
          "lines move with the parameters, not with the luck of the draw. Bands are 95% CIs; "
          "values are for all segments together, per initial customer.</p>\n";
  for (std::size_t k = 0; k < s.axes.size(); ++k) {
    html += "<h3>Against <code>" + html_escape(s.axes[k]) + "</code></h3>\n" +
            chart_grid(sweep_figures(s, k, strategies, baseline));
  }
  html += "<h3>Every point</h3>\n" + sweep_table(s);
  if (!s.point_dirs.empty()) {
    html += "<p>Each point's full outputs:";
    for (std::size_t i = 0; i < s.point_dirs.size() && i < kMaxLinks; ++i) {
      const std::string dir = html_escape(s.point_dirs[i]);
      html += " <a href=\"" + dir + "/summary.json\">" + dir + "</a>";
    }
    if (s.point_dirs.size() > kMaxLinks) html += " \u2026";
    html += " (run <code>clvsim report</code> on a point's directory for its own report).</p>\n";
  }
  std::vector<ReportSection> out = {{"sweep", "Sweep", html}};
  if (s.first_point) {
    std::string where;
    for (std::size_t k = 0; k < s.axes.size() && !s.rows.empty(); ++k) {
      where += (k ? ", " : "") + s.axes[k] + " = " + s.rows.front().values[k];
    }
    std::vector<ReportSection> point = run_sections(*s.first_point, "point1", "Point 1: ");
    point.front().html = "<p>The run at point 1 of the sweep (" + html_escape(where) +
                         "), in full.</p>\n" + point.front().html;
    for (ReportSection& section : point) out.push_back(std::move(section));
  }
  return out;
}

std::vector<ReportSection> sensitivity_sections(const SensitivityReport& s) {
  svg::TornadoChart chart;
  chart.id = "chart-tornado";
  chart.kind = "tornado";
  chart.title = "Change of the metric with each parameter moved down and up, one at a time";
  chart.x_title = "change of the metric from its base value " + money(s.base);
  chart.low_label = "parameter moved down (the value it took)";
  chart.high_label = "parameter moved up (the value it took)";
  for (std::size_t i = 0; i < s.rows.size() && i < kTornadoRows; ++i) {
    const SensitivityReportRow& r = s.rows[i];
    chart.rows.push_back({r.parameter, r.low_change, r.high_change, r.low_value, r.high_value});
  }
  std::string html =
      "<p>Every numeric parameter of the scenario moved down and up by the same relative "
      "amount, one at a time, with the seed and everything else fixed; parameters are ranked by "
      "the larger of the two changes of the metric (the one chosen with <code>--metric</code>, "
      "<code>--strategy</code> and <code>--segment</code>; per customer). The base value is " +
      money(s.base) + ". The top " + std::to_string(chart.rows.size()) + " of " +
      std::to_string(s.rows.size()) + " parameters:</p>\n";
  html += chart_grid({figure(svg::tornado_chart(chart), "")}, true);
  std::vector<std::vector<std::string>> rows;
  const auto change = [](const std::optional<double>& c) { return c ? money(*c, true) : "n/a"; };
  for (const SensitivityReportRow& r : s.rows) {
    rows.push_back({std::to_string(r.rank), "<code>" + html_escape(r.parameter) + "</code>",
                    html_escape(shortest_text(r.value)),
                    html_escape(r.low_value), change(r.low_change), html_escape(r.high_value),
                    change(r.high_change),
                    r.elasticity ? format_number(*r.elasticity, 2) : "n/a", html_escape(r.note)});
  }
  html += "<h3>Every parameter</h3>\n" +
          html_table({"rank", "parameter", "value", "moved down to", "change", "moved up to",
                      "change", "elasticity", "note"},
                     rows, 2, "sensitivity");
  html += "<p class=\"note\">Elasticity: relative change of the metric over relative change of the "
          "parameter between the two moves. n/a: the move is outside the key's valid range (see "
          "the note) or the parameter is 0.</p>\n";
  std::vector<ReportSection> out = {{"sensitivity", "Sensitivity", html}};
  if (!s.resolved_yaml.empty()) {
    out.push_back({"sensitivity-scenario", "Scenario of the sensitivity analysis",
                   resolved_yaml_block(s.resolved_yaml, "scenario.resolved.yaml")});
  }
  return out;
}

}  // namespace clvsim
