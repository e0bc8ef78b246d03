// The report page: head and style sheet, header, contents, the sections of
// whatever DIR holds, and the pieces the sections share; write_report().
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "clvsim/outputs.hpp"
#include "clvsim/report.hpp"
#include "report_format.hpp"
#include "report_sections.hpp"

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "unknown"
#endif

namespace clvsim {
namespace {

// Readable on screen and on paper: no web fonts (nothing to fetch), system
// sans-serif, tabular figures in tables; in print no backgrounds, no
// navigation, and every section on a new page.
constexpr const char* kStyle = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 27px; margin: 0 0 4px; line-height: 1.2; }
h2 { font-size: 21px; margin: 44px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 16px; margin: 26px 0 6px; }
p { max-width: 76em; }
.lede { color: #333333; margin: 6px 0; }
.meta { color: #4d4d4d; font-size: 13.5px; margin: 4px 0; }
nav { font-size: 13.5px; margin: 14px 0 0; padding: 8px 12px; border: 1px solid #d0d0d0; }
nav a { margin-right: 14px; white-space: nowrap; }
a { color: #005a8c; }
.verdict { font-size: 16px; line-height: 1.55; background: #f2f5f8; border-left: 5px solid #0072B2;
  padding: 12px 16px; margin: 10px 0 14px; }
.note { font-size: 13px; color: #4d4d4d; }
.tag { font-size: 11px; border: 1px solid #777777; border-radius: 3px; padding: 0 4px; color: #333333; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 18px 28px; margin: 10px 0; }
.charts.wide { grid-template-columns: 1fr; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-size: 12.5px; color: #4d4d4d; margin-top: 2px; }
svg.chart { display: block; width: 100%; height: auto; font-size: 11px; font-family: inherit; }
svg.chart text { fill: #1a1a1a; }
svg.chart .chart-title { font-size: 13.5px; font-weight: 600; }
svg.chart .chart-note, svg.chart .value { font-size: 10.5px; fill: #333333; }
svg.chart .axis path { stroke: #4d4d4d; fill: none; }
svg.chart .axis-title { font-size: 11.5px; fill: #333333; }
svg.chart path.grid { stroke: #e2e2e2; fill: none; }
svg.chart path.zero { stroke: #1a1a1a; stroke-width: 1.2; fill: none; }
svg.chart .whisker { fill: none; stroke-width: 1.6; }
table { border-collapse: collapse; font-size: 13px; margin: 12px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #dcdcdc; text-align: right; vertical-align: top; }
td { white-space: nowrap; }
table.sensitivity td:last-child { white-space: normal; text-align: left; min-width: 16em; }
.table-wrap { overflow-x: auto; }
th { border-bottom: 2px solid #1a1a1a; font-weight: 600; }
th.text, td.text { text-align: left; }
table.settings td.text:first-child { color: #4d4d4d; }
pre { font-size: 12px; line-height: 1.4; background: #f6f6f6; border: 1px solid #dcdcdc; padding: 12px;
  overflow-x: auto; white-space: pre-wrap; }
code { font-size: 0.92em; }
footer { margin-top: 40px; font-size: 12.5px; color: #4d4d4d; border-top: 1px solid #dcdcdc; padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  main > section:first-of-type { break-before: auto; }
  h2 { margin-top: 0; }
  .verdict, pre { background: none; }
  .charts { grid-template-columns: 1fr 1fr; gap: 10px 16px; }
  .charts.wide { grid-template-columns: 1fr; }
  figure, tr, .verdict { break-inside: avoid; }
  td { white-space: normal; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
)";

std::string header(const ReportInputs& in) {
  const RunReport* run = in.run ? &*in.run : in.sweep && in.sweep->first_point ? &*in.sweep->first_point : nullptr;
  std::string name = run ? run->results.scenario : "sensitivity analysis";
  std::string out = "<header>\n<h1>clvsim report: " + html_escape(name) + "</h1>\n";
  if (run && !run->description.empty()) {
    out += "<p class=\"lede\">" + html_escape(run->description) + "</p>\n";
  }
  std::vector<std::string> holds;
  if (in.run) holds.push_back("a run");
  if (in.sweep) holds.push_back("a sweep of " + std::to_string(in.sweep->points) + " points");
  if (in.sensitivity) {
    holds.push_back("a sensitivity analysis of " + std::to_string(in.sensitivity->rows.size()) +
                    " parameters");
  }
  std::string what;
  for (std::size_t i = 0; i < holds.size(); ++i) what += (i ? ", " : "") + holds[i];
  out += "<p class=\"meta\">This report shows " + what + ".";
  if (run) {
    const Results& r = run->results;
    out += " " + std::to_string(r.replications) + " replications, seed " + std::to_string(r.seed) +
           ", horizon " + std::to_string(r.horizon) + " " + html_escape(run->period) +
           (r.horizon == 1 ? "" : "s") + ", discount rate " + format_number(r.discount_rate, 4) +
           " per " + html_escape(run->period) + (run->version.empty() ? "" : ", clvsim " + html_escape(run->version)) + ".";
  }
  out += " Money is in the scenario's currency, discounted to the start of period 0.</p>\n";
  return out + "</header>\n";
}

}  // namespace

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + (caption.empty() ? "" : "<figcaption>" + caption + "</figcaption>\n") +
         "</figure>\n";
}

std::string chart_grid(const std::vector<std::string>& figures, bool wide) {
  std::string out = wide ? "<div class=\"charts wide\">\n" : "<div class=\"charts\">\n";
  for (const std::string& f : figures) out += f;
  return out + "</div>\n";
}

std::string html_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, std::size_t text_columns,
                       const std::string& css_class) {
  const auto cls = [&](std::size_t i) { return i < text_columns ? " class=\"text\"" : ""; };
  std::string out = css_class.empty()
                        ? "<div class=\"table-wrap\"><table>\n<thead><tr>"
                        : "<div class=\"table-wrap\"><table class=\"" + html_escape(css_class) +
                              "\">\n<thead><tr>";
  for (std::size_t i = 0; i < header.size(); ++i) out += "<th" + std::string(cls(i)) + ">" + header[i] + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) out += "<td" + std::string(cls(i)) + ">" + row[i] + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

double t_factor_95(std::uint32_t replications) {
  if (replications < 2) return std::numeric_limits<double>::quiet_NaN();
  const boost::math::students_t_distribution<double> t(replications - 1.0);
  return boost::math::quantile(boost::math::complement(t, 0.025));
}

std::string period_axis_title(const std::string& period) {
  return period == "period" || period.empty() ? "period" : "period (" + period + ")";
}

std::string interval_text(double low, double high, bool sign) {
  if (!std::isfinite(low) || !std::isfinite(high)) return "";
  return "[" + money(low, sign) + ", " + money(high, sign) + "]";
}

std::string resolved_yaml_block(const std::string& yaml, const std::string& file_hint) {
  if (yaml.empty()) {
    return "<p class=\"note\">No " + html_escape(file_hint) +
           " was found next to the results, so the scenario cannot be shown here.</p>\n";
  }
  return "<pre class=\"scenario\" data-file=\"" + html_escape(file_hint) + "\">" + html_escape(yaml) +
         "</pre>\n";
}

std::string report_html(const ReportInputs& in) {
  std::vector<ReportSection> sections;
  const auto add = [&](std::vector<ReportSection> more) {
    for (ReportSection& s : more) sections.push_back(std::move(s));
  };
  if (in.run) add(run_sections(*in.run, "run", ""));
  if (in.sweep) add(sweep_sections(*in.sweep));
  if (in.sensitivity) add(sensitivity_sections(*in.sensitivity));

  const RunReport* run = in.run ? &*in.run : in.sweep && in.sweep->first_point ? &*in.sweep->first_point : nullptr;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"clvsim " CLVSIM_VERSION "\">\n<title>clvsim report: " +
      html_escape(run ? run->results.scenario : "sensitivity analysis") + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<main>\n" + header(in);
  out += "<nav aria-label=\"Contents\"><strong>Contents:</strong> ";
  for (const ReportSection& s : sections) {
    out += "<a href=\"#" + html_escape(s.id) + "\">" + html_escape(s.title) + "</a> ";
  }
  out += "</nav>\n";
  for (const ReportSection& s : sections) {
    out += "<section id=\"" + html_escape(s.id) + "\">\n<h2>" + html_escape(s.title) + "</h2>\n" +
           s.html + "</section>\n";
  }
  out += "<footer>Generated by clvsim " CLVSIM_VERSION
         " (<code>clvsim report</code>) from the files in this directory. One self-contained "
         "file: no scripts, no fonts or images to fetch; it opens offline and prints.</footer>\n"
         "</main>\n</body>\n</html>\n";
  return out;
}

void write_report(const std::filesystem::path& dir) {
  const ReportInputs inputs = read_report_inputs(dir);
  write_file_atomically(dir / "report.html", report_html(inputs));
}

}  // namespace clvsim
