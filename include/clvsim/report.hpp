// clvsim report DIR: one self-contained HTML page (report.html) that shows
// what a run, a sweep or a sensitivity analysis wrote into DIR.
//
// The page needs nothing but a browser: charts are inline SVG generated
// here, the style sheet is inline, and there is no script and no external
// reference, so it opens on an air-gapped laptop, prints, and can be mailed
// as one file. Its bytes depend only on the files read (no clock, no host,
// no absolute path), so the same DIR gives the same report.html.
//
// Typical use:
//
//   clvsim::write_report("clvsim-out");  // writes clvsim-out/report.html
//
// or, to render without touching the disk:
//
//   const clvsim::ReportInputs inputs = clvsim::read_report_inputs(dir);
//   const std::string html = clvsim::report_html(inputs);
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "clvsim/results.hpp"

namespace clvsim {

// What a `clvsim run` directory holds: summary.json and periods.csv read
// back into Results (statistics left empty), and the run's context.
struct RunReport {
  Results results;
  std::string period = "period";  // the scenario's `period` label
  std::string description;        // the scenario's `description`, may be empty
  // scenario.resolved.yaml verbatim; empty when the file is absent.
  std::string resolved_yaml;
  // From run.json when present (empty / 0 otherwise).
  std::string version;
  std::string timestamp_utc;
  std::string scenario_file;
  int threads = 0;
  double wall_seconds = 0;
  // "target 0.5% (clv, total), met" for a run with --precision, else empty.
  std::string precision;
};

// One row of sweep.csv: a point x strategy x segment.
struct SweepRow {
  int point = 0;                    // 1-based
  std::vector<std::string> values;  // one per axis, as --set text
  std::string strategy;
  std::string segment;
  Estimate clv;
  Interval clv_ci95;
  Estimate survival_end;
  double treatment_cost = 0;
  std::string baseline;  // empty for the baseline's own rows
  std::optional<Estimate> clv_uplift;
  std::optional<Interval> clv_uplift_ci95;
  std::optional<double> treatment_cost_change;
  std::optional<double> roi;
};

struct SweepReport {
  std::vector<std::string> axes;  // the varied key paths, in column order
  std::vector<SweepRow> rows;     // in file order
  int points = 0;                 // number of points
  // points/001 read as a run, when present; its scenario and settings are
  // those of every point but for the varied values.
  std::optional<RunReport> first_point;
  std::vector<std::string> point_dirs;  // "points/001", ... that exist
};

// One row of sensitivity.csv. A side that could not run has no metric and
// a note saying why.
struct SensitivityReportRow {
  int rank = 0;
  std::string parameter;
  double value = 0;
  std::string low_value, high_value;
  std::optional<double> low_metric, low_change, high_metric, high_change;
  double swing = 0;
  std::optional<double> elasticity;
  std::string note;
};

struct SensitivityReport {
  std::vector<SensitivityReportRow> rows;  // ranked, largest swing first
  // The metric at the unvaried scenario (metric - change of any side that
  // ran); NaN when no variation ran.
  double base = 0;
  // scenario.resolved.yaml next to sensitivity.csv, if present, verbatim.
  std::string resolved_yaml;
  std::string period = "period";
};

// Everything found in DIR. At least one of the three is set.
struct ReportInputs {
  std::optional<RunReport> run;                  // summary.json
  std::optional<SweepReport> sweep;              // sweep.csv
  std::optional<SensitivityReport> sensitivity;  // sensitivity.csv
};

// Reads DIR. A directory with summary.json is a run (periods.csv is then
// required; run.json and scenario.resolved.yaml are used when present),
// one with sweep.csv a sweep, one with sensitivity.csv a sensitivity
// analysis; a directory may hold several. Throws InputError naming the
// file (and line and column or key where known) when DIR holds none of
// them, or a file is missing, unreadable or malformed.
ReportInputs read_report_inputs(const std::filesystem::path& dir);

// The page. Deterministic: a pure function of `inputs`.
std::string report_html(const ReportInputs& inputs);

// One paragraph in plain language that says, from the paired comparisons of
// `results`, which strategy beats the baseline for which segments and by how
// much, where the difference is not significant (its 95% CI includes 0), the
// cost change and ROI, and the overall winner -- named only when its total
// uplift's CI excludes 0; otherwise it says plainly that no strategy differs
// significantly from the baseline (or that none beats it). Amounts are per
// initial customer, with two decimals.
std::string report_verdict(const Results& results);

// read_report_inputs(dir), report_html(), and dir/report.html written
// atomically (temporary file, fsync, rename). Throws InputError for bad
// inputs, std::runtime_error when the file cannot be written.
void write_report(const std::filesystem::path& dir);

}  // namespace clvsim
