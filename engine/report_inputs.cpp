// What an output directory holds, read for the report: a run (summary.json,
// see report_run_reader.cpp), a sweep (sweep.csv and points/NNN/), a
// sensitivity analysis (sensitivity.csv), or several of them.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "clvsim/error.hpp"
#include "clvsim/report.hpp"
#include "csv_reader.hpp"
#include "report_readers.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWhatClvsimWrites =
    "a directory written by clvsim run (summary.json), sweep (sweep.csv) or "
    "sensitivity (sensitivity.csv)";

// "points/001" ... as clvsim sweep names them: at least three digits.
std::string point_dir(int point) {
  std::string name = std::to_string(point);
  if (name.size() < 3) name.insert(0, 3 - name.size(), '0');
  return "points/" + name;
}

SweepReport read_sweep(const fs::path& dir) {
  const fs::path path = dir / "sweep.csv";
  const CsvTable csv(read_report_file(path), path.string());
  if (csv.header().empty() || csv.header()[0] != "point") {
    throw InputError(csv.file(), {1, 1}, "header", "does not start with 'point'",
                     "the columns clvsim sweep writes");
  }
  const std::size_t c_strategy = csv.column("strategy");
  SweepReport sweep;
  sweep.axes.assign(csv.header().begin() + 1,
                    csv.header().begin() + static_cast<std::ptrdiff_t>(c_strategy));
  if (sweep.axes.empty()) {
    throw InputError(csv.file(), {1, 1}, "header", "has no varied parameter before 'strategy'",
                     "the columns clvsim sweep writes");
  }
  const std::size_t c_segment = csv.column("segment"), c_clv = csv.column("clv"),
                    c_clv_se = csv.column("clv_se"), c_low = csv.column("clv_ci95_low"),
                    c_high = csv.column("clv_ci95_high"), c_surv = csv.column("survival_end"),
                    c_surv_se = csv.column("survival_end_se"),
                    c_cost = csv.column("treatment_cost"), c_base = csv.column("baseline"),
                    c_up = csv.column("clv_uplift"), c_up_se = csv.column("clv_uplift_se"),
                    c_up_low = csv.column("clv_uplift_ci95_low"),
                    c_up_high = csv.column("clv_uplift_ci95_high"),
                    c_change = csv.column("treatment_cost_change"), c_roi = csv.column("roi");
  for (const CsvTable::Row& row : csv.rows()) {
    SweepRow r;
    // Points are numbered 1, 2, ... and each starts where the last ended.
    r.point = static_cast<int>(csv.integer(row, 0, sweep.points == 0 ? 1 : sweep.points,
                                           sweep.points + 1));
    sweep.points = r.point;
    r.values.assign(row.cells.begin() + 1, row.cells.begin() + static_cast<std::ptrdiff_t>(c_strategy));
    r.strategy = row.cells[c_strategy];
    r.segment = row.cells[c_segment];
    r.clv = {csv.number_or_nan(row, c_clv), csv.number_or_nan(row, c_clv_se)};
    r.clv_ci95 = {csv.number_or_nan(row, c_low), csv.number_or_nan(row, c_high)};
    r.survival_end = {csv.number_or_nan(row, c_surv), csv.number_or_nan(row, c_surv_se)};
    r.treatment_cost = csv.number_or_nan(row, c_cost);
    r.baseline = row.cells[c_base];
    if (!r.baseline.empty()) {
      r.clv_uplift = Estimate{csv.number_or_nan(row, c_up), csv.number_or_nan(row, c_up_se)};
      r.clv_uplift_ci95 = Interval{csv.number_or_nan(row, c_up_low), csv.number_or_nan(row, c_up_high)};
      r.treatment_cost_change = csv.optional_number(row, c_change);
      r.roi = csv.optional_number(row, c_roi);
    }
    sweep.rows.push_back(std::move(r));
  }
  if (sweep.rows.empty()) {
    throw InputError(csv.file(), {}, "", "has no data rows", "one row per point, strategy and segment");
  }
  std::error_code ec;
  for (int p = 1; p <= sweep.points; ++p) {
    if (fs::is_directory(dir / point_dir(p), ec)) sweep.point_dirs.push_back(point_dir(p));
  }
  if (fs::exists(dir / point_dir(1) / "summary.json", ec)) {
    sweep.first_point = read_run_report(dir / point_dir(1));
  }
  return sweep;
}

SensitivityReport read_sensitivity(const fs::path& dir) {
  const fs::path path = dir / "sensitivity.csv";
  const CsvTable csv(read_report_file(path), path.string());
  const std::size_t c_rank = csv.column("rank"), c_param = csv.column("parameter"),
                    c_value = csv.column("value"), c_low_value = csv.column("low_value"),
                    c_low_metric = csv.column("low_metric"),
                    c_low_change = csv.column("low_change"),
                    c_high_value = csv.column("high_value"),
                    c_high_metric = csv.column("high_metric"),
                    c_high_change = csv.column("high_change"), c_swing = csv.column("swing"),
                    c_elasticity = csv.column("elasticity"), c_note = csv.column("note");
  SensitivityReport report;
  report.base = std::numeric_limits<double>::quiet_NaN();
  for (const CsvTable::Row& row : csv.rows()) {
    SensitivityReportRow r;
    const long long next = static_cast<long long>(report.rows.size()) + 1;
    r.rank = static_cast<int>(csv.integer(row, c_rank, next, next));
    r.parameter = row.cells[c_param];
    r.value = csv.number(row, c_value);
    r.low_value = row.cells[c_low_value];
    r.high_value = row.cells[c_high_value];
    r.low_metric = csv.optional_number(row, c_low_metric);
    r.low_change = csv.optional_number(row, c_low_change);
    r.high_metric = csv.optional_number(row, c_high_metric);
    r.high_change = csv.optional_number(row, c_high_change);
    r.swing = csv.optional_number(row, c_swing).value_or(0.0);
    r.elasticity = csv.optional_number(row, c_elasticity);
    r.note = row.cells[c_note];
    if (std::isnan(report.base)) {
      if (r.low_metric && r.low_change) report.base = *r.low_metric - *r.low_change;
      if (r.high_metric && r.high_change) report.base = *r.high_metric - *r.high_change;
    }
    report.rows.push_back(std::move(r));
  }
  const fs::path yaml = dir / "scenario.resolved.yaml";
  if (auto text = read_report_file_if_present(yaml)) {
    std::string description;
    read_scenario_labels(*text, yaml.string(), report.period, description);
    report.resolved_yaml = std::move(*text);
  }
  return report;
}

}  // namespace

std::optional<std::string> read_report_file_if_present(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  return read_report_file(path);
}

std::string read_report_file(const fs::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw InputError(name, {}, "", "is a directory, not a file", "a file clvsim writes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(name, {}, "", std::string("cannot open the file: ") + std::strerror(errno),
                     "a file clvsim writes, as in " + std::string(kWhatClvsimWrites));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(name, {}, "", "cannot read the file", "a readable file");
  return text.str();
}

void read_scenario_labels(const std::string& yaml, const std::string& file, std::string& period,
                          std::string& description) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw InputError(file, {e.mark.line + 1, e.mark.column + 1}, "",
                     "not valid YAML: " + e.msg, "the resolved scenario clvsim writes");
  }
  if (!root.IsMap()) {
    throw InputError(file, {}, "", "is not a YAML mapping", "the resolved scenario clvsim writes");
  }
  if (root["period"] && root["period"].IsScalar()) period = root["period"].Scalar();
  if (root["description"] && root["description"].IsScalar()) {
    description = root["description"].Scalar();
  }
}

ReportInputs read_report_inputs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string(), {}, "",
                     fs::exists(dir, ec) ? "is not a directory" : "no such directory",
                     kWhatClvsimWrites);
  }
  ReportInputs inputs;
  if (fs::exists(dir / "summary.json", ec)) inputs.run = read_run_report(dir);
  if (fs::exists(dir / "sweep.csv", ec)) inputs.sweep = read_sweep(dir);
  if (fs::exists(dir / "sensitivity.csv", ec)) inputs.sensitivity = read_sensitivity(dir);
  if (!inputs.run && !inputs.sweep && !inputs.sensitivity) {
    throw InputError(dir.string(), {}, "",
                     "holds no clvsim results: no summary.json, sweep.csv or sensitivity.csv",
                     kWhatClvsimWrites);
  }
  return inputs;
}

}  // namespace clvsim
