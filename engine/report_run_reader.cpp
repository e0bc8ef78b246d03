// A run directory read back for the report: summary.json and periods.csv
// into Results, run.json and scenario.resolved.yaml as context.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "clvsim/error.hpp"
#include "csv_reader.hpp"
#include "report_readers.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Typed access to a parsed JSON file; errors name the file and key path.
class JsonFile {
 public:
  JsonFile(const std::string& text, std::string file) : file_(std::move(file)) {
    try {
      root_ = Json::parse(text);
    } catch (const Json::parse_error& e) {
      // e.byte is the 1-based offset of the last character read.
      SourceMark mark{1, 1};
      for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++mark.line;
          mark.column = 1;
        } else {
          ++mark.column;
        }
      }
      std::string what = e.what();
      const auto colon = what.find(": ", what.find("column"));
      if (colon != std::string::npos) what = what.substr(colon + 2);
      throw InputError(file_, mark, "", "not valid JSON: " + what, "the JSON clvsim writes");
    }
    if (!root_.is_object()) fail("", "is not a JSON object", "the JSON clvsim writes");
  }

  const Json& root() const { return root_; }

  [[noreturn]] void fail(const std::string& path, const std::string& problem,
                         const std::string& expected) const {
    throw InputError(file_, {}, path, problem, expected);
  }

  const Json& member(const Json& j, const std::string& key, const std::string& path) const {
    if (!j.is_object()) fail(path, "is not an object", "an object");
    auto it = j.find(key);
    if (it == j.end()) fail(join(path, key), "is missing", "the key clvsim writes");
    return *it;
  }

  const Json* optional_member(const Json& j, const std::string& key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }

  // null (an unknown value) is NaN.
  double number(const Json& j, const std::string& key, const std::string& path) const {
    const Json& v = member(j, key, path);
    if (v.is_null()) return kNaN;
    if (!v.is_number()) fail(join(path, key), "is not a number", "a number or null");
    return v.get<double>();
  }

  std::string string(const Json& j, const std::string& key, const std::string& path) const {
    const Json& v = member(j, key, path);
    if (!v.is_string()) fail(join(path, key), "is not a string", "a string");
    return v.get<std::string>();
  }

  std::uint64_t count(const Json& j, const std::string& key, const std::string& path,
                      std::uint64_t hi) const {
    const Json& v = member(j, key, path);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > hi) {
      fail(join(path, key), "is not a whole number in range",
           "a whole number in [0, " + std::to_string(hi) + "]");
    }
    return v.get<std::uint64_t>();
  }

  const Json& array(const Json& j, const std::string& key, const std::string& path) const {
    const Json& v = member(j, key, path);
    if (!v.is_array()) fail(join(path, key), "is not an array", "an array");
    return v;
  }

  Estimate estimate(const Json& j, const std::string& key, const std::string& path) const {
    const Json& e = member(j, key, path);
    const std::string at = join(path, key);
    return {number(e, "mean", at), number(e, "se", at)};
  }

  Interval interval(const Json& j, const std::string& key, const std::string& path) const {
    const Json& v = member(j, key, path);
    const std::string at = join(path, key);
    if (!v.is_array() || v.size() != 2) fail(at, "is not a pair", "[low, high]");
    const auto bound = [&](const Json& x) {
      if (x.is_null()) return kNaN;
      if (!x.is_number()) fail(at, "holds something other than a number", "[low, high]");
      return x.get<double>();
    };
    return {bound(v[0]), bound(v[1])};
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string file_;
  Json root_;
};

SegmentSummary read_segment(const JsonFile& f, const Json& j, const std::string& at) {
  SegmentSummary s;
  s.name = f.string(j, "name", at);
  s.customers = f.count(j, "customers", at, std::numeric_limits<std::uint64_t>::max());
  s.clv = f.estimate(j, "clv", at);
  const Json& clv = f.member(j, "clv", at);
  const std::string clv_at = at + ".clv";
  s.clv_ci95 = f.interval(clv, "ci95", clv_at);
  s.clv_quantiles = {f.number(clv, "p05", clv_at), f.number(clv, "p25", clv_at),
                     f.number(clv, "p50", clv_at), f.number(clv, "p75", clv_at),
                     f.number(clv, "p95", clv_at)};
  s.survival_end = f.estimate(j, "survival_end", at);
  s.revenue = f.estimate(j, "revenue", at);
  s.treatment_cost = f.estimate(j, "treatment_cost", at);
  s.equity = f.estimate(j, "equity", at);
  return s;
}

StrategySummary read_strategy(const JsonFile& f, const Json& j, const std::string& at) {
  StrategySummary s;
  s.name = f.string(j, "name", at);
  const Json& segments = f.array(j, "segments", at);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    s.segments.push_back(read_segment(f, segments[i], at + ".segments[" + std::to_string(i) + "]"));
  }
  s.segments.push_back(read_segment(f, f.member(j, "total", at), at + ".total"));
  if (const Json* b = f.optional_member(j, "budget")) {
    const std::string b_at = at + ".budget";
    BudgetUse use;
    use.per_period = f.number(*b, "per_period", b_at);
    use.spend = f.estimate(*b, "spend", b_at);
    use.max_spend = f.number(*b, "max_spend", b_at);
    use.binding_share = f.number(*b, "binding_share", b_at);
    use.denied = f.estimate(*b, "denied", b_at);
    s.budget = use;
  }
  return s;
}

Results read_summary(const std::string& text, const std::string& file) {
  const JsonFile f(text, file);
  const Json& root = f.root();
  Results r;
  r.scenario = f.string(root, "scenario", "");
  r.seed = f.count(root, "seed", "", std::numeric_limits<std::uint64_t>::max());
  r.replications = static_cast<std::uint32_t>(f.count(root, "replications", "", 1u << 30));
  r.horizon = static_cast<int>(f.count(root, "horizon", "", 1000000));
  r.discount_rate = f.number(root, "discount_rate", "");
  const Json& strategies = f.array(root, "strategies", "");
  if (strategies.empty()) f.fail("strategies", "is empty", "at least one strategy");
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    r.strategies.push_back(read_strategy(f, strategies[i], "strategies[" + std::to_string(i) + "]"));
  }
  // Every strategy reports the same segments in the same order.
  for (std::size_t i = 1; i < r.strategies.size(); ++i) {
    bool same = r.strategies[i].segments.size() == r.strategies[0].segments.size();
    for (std::size_t g = 0; same && g < r.strategies[i].segments.size(); ++g) {
      same = r.strategies[i].segments[g].name == r.strategies[0].segments[g].name;
    }
    if (!same) {
      f.fail("strategies[" + std::to_string(i) + "].segments",
             "differ from those of strategies[0]", "the same segments for every strategy");
    }
  }
  const Json& comparisons = f.array(root, "comparisons", "");
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    const Json& j = comparisons[i];
    const std::string at = "comparisons[" + std::to_string(i) + "]";
    Comparison c;
    c.strategy = f.string(j, "strategy", at);
    c.baseline = f.string(j, "baseline", at);
    c.segment = f.string(j, "segment", at);
    c.clv_uplift = f.estimate(j, "clv_uplift", at);
    c.clv_uplift_ci95 = f.interval(f.member(j, "clv_uplift", at), "ci95", at + ".clv_uplift");
    c.treatment_cost_change = f.estimate(j, "treatment_cost_change", at);
    const double roi = f.number(j, "roi", at);
    if (std::isfinite(roi)) c.roi = roi;
    r.comparisons.push_back(std::move(c));
  }
  return r;
}

// periods.csv into results.strategies[*].periods, matched by name.
void read_periods(const std::string& text, const std::string& file, Results& results) {
  const CsvTable csv(text, file);
  const std::size_t c_strategy = csv.column("strategy"), c_segment = csv.column("segment"),
                    c_period = csv.column("period");
  struct Field {
    Estimate PeriodSummary::*member;
    const char* mean;
    const char* se;  // nullptr: no standard error column
    bool required;
  };
  const Field fields[] = {{&PeriodSummary::active, "active", "active_se", true},
                          {&PeriodSummary::survival, "survival", "survival_se", true},
                          {&PeriodSummary::revenue, "revenue", "revenue_se", true},
                          {&PeriodSummary::profit, "profit", "profit_se", true},
                          {&PeriodSummary::discounted_profit, "discounted_profit",
                           "discounted_profit_se", true},
                          {&PeriodSummary::active_all, "active_all", "active_all_se", false},
                          {&PeriodSummary::treatment_cost, "treatment_cost", "treatment_cost_se",
                           false},
                          {&PeriodSummary::denied, "denied", "denied_se", false}};
  struct Columns {
    const Field* field;
    std::size_t mean;
    std::optional<std::size_t> se;
  };
  std::vector<Columns> columns;
  for (const Field& field : fields) {
    auto mean = field.required ? std::optional(csv.column(field.mean)) : csv.find_column(field.mean);
    if (mean) columns.push_back({&field, *mean, csv.find_column(field.se)});
  }
  const std::size_t c_retention = csv.column("retention");

  std::map<std::pair<std::string, std::string>, std::vector<PeriodSummary>*> series;
  for (StrategySummary& s : results.strategies) {
    s.periods.assign(s.segments.size(), {});
    for (std::size_t g = 0; g < s.segments.size(); ++g) {
      series[{s.name, s.segments[g].name}] = &s.periods[g];
    }
  }
  for (const CsvTable::Row& row : csv.rows()) {
    auto it = series.find({row.cells[c_strategy], row.cells[c_segment]});
    if (it == series.end()) {
      throw InputError(file, {row.line, row.columns[c_strategy]}, "strategy",
                       "'" + row.cells[c_strategy] + "', segment '" + row.cells[c_segment] +
                           "' is not in summary.json",
                       "the strategies and segments of summary.json");
    }
    std::vector<PeriodSummary>& periods = *it->second;
    const auto expected = static_cast<long long>(periods.size());
    csv.integer(row, c_period, expected, expected);  // periods in order, none missing
    PeriodSummary p;
    for (const Columns& c : columns) {
      // Empty cells are unknown values: a share of an empty segment, a
      // standard error with one replication.
      Estimate& e = p.*(c.field->member);
      e.mean = csv.number_or_nan(row, c.mean);
      e.se = c.se ? csv.number_or_nan(row, *c.se) : kNaN;
    }
    p.retention = csv.optional_number(row, c_retention);
    periods.push_back(p);
  }
  for (const auto& [key, periods] : series) {
    if (periods->size() != static_cast<std::size_t>(results.horizon)) {
      throw InputError(file, {}, key.first + "." + key.second,
                       "has " + std::to_string(periods->size()) + " periods, summary.json's horizon is " +
                           std::to_string(results.horizon),
                       "one row per period for every strategy and segment");
    }
  }
}

void read_run_json(const std::string& text, const std::string& file, RunReport& report) {
  const JsonFile f(text, file);
  const Json& root = f.root();
  if (f.optional_member(root, "version")) report.version = f.string(root, "version", "");
  if (f.optional_member(root, "timestamp_utc")) {
    report.timestamp_utc = f.string(root, "timestamp_utc", "");
  }
  if (f.optional_member(root, "scenario_file")) {
    report.scenario_file = f.string(root, "scenario_file", "");
  }
  if (f.optional_member(root, "threads")) {
    report.threads = static_cast<int>(f.count(root, "threads", "", 1 << 20));
  }
  if (f.optional_member(root, "wall_seconds")) {
    report.wall_seconds = f.number(root, "wall_seconds", "");
  }
  if (const Json* p = f.optional_member(root, "precision")) {
    const std::string at = "precision";
    const Json& met = f.member(*p, "met", at);
    report.precision = "target " + f.string(*p, "target", at) + " (" + f.string(*p, "metric", at) +
                       ", " + f.string(*p, "segment", at) + "), " +
                       (met.is_boolean() && met.get<bool>() ? "met" : "not met");
  }
}

}  // namespace

RunReport read_run_report(const fs::path& dir) {
  RunReport report;
  const fs::path summary = dir / "summary.json";
  report.results = read_summary(read_report_file(summary), summary.string());
  const fs::path periods = dir / "periods.csv";
  read_periods(read_report_file(periods), periods.string(), report.results);
  const fs::path run = dir / "run.json";
  if (auto text = read_report_file_if_present(run)) read_run_json(*text, run.string(), report);
  const fs::path yaml = dir / "scenario.resolved.yaml";
  if (auto text = read_report_file_if_present(yaml)) {
    read_scenario_labels(*text, yaml.string(), report.period, report.description);
    report.resolved_yaml = std::move(*text);
  }
  return report;
}

}  // namespace clvsim
