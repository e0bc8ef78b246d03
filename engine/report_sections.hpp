// The sections of the HTML report, each built from what DIR holds, and the
// small HTML pieces they share. report_html.cpp puts them in a page.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clvsim/report.hpp"

namespace clvsim {

// One <section> of the page: its id (anchor and nav link), heading, body.
struct ReportSection {
  std::string id;
  std::string title;
  std::string html;
};

// A run's sections: verdict, comparison, CLV, survival and retention,
// cumulative profit, budget use (budgeted strategies only) and what it
// takes to reproduce the run. `prefix` keeps ids unique when a page holds
// two runs ("run", "point1"); `title_prefix` goes before each heading.
std::vector<ReportSection> run_sections(const RunReport& run, const std::string& prefix,
                                        const std::string& title_prefix);

// A sweep: the metric against each varied parameter, the table of points,
// links to the points' files, then point 1's run sections.
std::vector<ReportSection> sweep_sections(const SweepReport& sweep);

// A sensitivity analysis: the tornado chart and the full table.
std::vector<ReportSection> sensitivity_sections(const SensitivityReport& sensitivity);

// --- shared pieces -------------------------------------------------------

// <figure> around a chart with a caption.
std::string figure(const std::string& svg, const std::string& caption);

// A grid of figures (two side by side on a wide screen, one in print).
std::string chart_grid(const std::vector<std::string>& figures, bool wide = false);

// A table; cells are HTML already escaped by the caller. The first
// `text_columns` columns are left-aligned text, the rest right-aligned
// numbers.
std::string html_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows,
                       std::size_t text_columns, const std::string& css_class = "");

// The two-sided 95% Student-t factor for `replications` replications (what
// summary.json's intervals use); NaN below 2.
double t_factor_95(std::uint32_t replications);

// "period (month)" from the scenario's `period` label.
std::string period_axis_title(const std::string& period);

// "[low, high]" with two decimals, optional signs; "" when unknown.
std::string interval_text(double low, double high, bool sign = false);

// The resolved scenario in a <pre>, or a note that it is missing.
std::string resolved_yaml_block(const std::string& yaml, const std::string& file_hint);

}  // namespace clvsim
