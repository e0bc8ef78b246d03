#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"
#include "clvsim/sensitivity.hpp"
#include "number_text.hpp"

namespace clvsim {
namespace {

// The parameter moved by factor (1 + sign * delta), as --set text: at most
// 10 significant digits, so 0.22 * 1.1 is 0.242 and not 0.24200000000000002.
std::string moved_value(const SensitivityParameter& p, double delta, int sign) {
  if (p.whole) {
    const double step = std::max(1.0, std::round(std::fabs(p.value) * delta));
    return shortest_text(p.value + sign * step);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", p.value * (1.0 + sign * delta));
  return buf;
}

const StrategySummary* find_strategy(const Results& r, const std::string& name) {
  for (const StrategySummary& s : r.strategies) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The metric and its standard error in one run.
Estimate metric_of(const Results& r, const SensitivityOptions& o) {
  if (o.metric == SensitivityOptions::Metric::clv) {
    for (const SegmentSummary& g : find_strategy(r, o.strategy)->segments) {
      if (g.name == o.segment) return g.clv;
    }
  } else {
    for (const Comparison& c : r.comparisons) {
      if (c.strategy == o.strategy && c.segment == o.segment) return c.clv_uplift;
    }
  }
  return {NAN, NAN};
}

double number_of(const std::string& text) {
  double value = NAN;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string names_of(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return "one of: " + out;
}

}  // namespace

void check_sensitivity_options(const Scenario& scenario, const SensitivityOptions& o) {
  if (!(o.delta > 0 && o.delta < 1)) {
    throw InputError("--delta", {}, "", shortest_text(o.delta) + " is out of range",
                     "a relative change in (0, 1), e.g. 0.1 for +/-10%");
  }
  std::vector<std::string> strategies;
  for (const Strategy& s : scenario.strategies) strategies.push_back(s.name);
  if (o.metric == SensitivityOptions::Metric::uplift && strategies.size() < 2) {
    throw InputError("--metric", {}, "", "uplift needs a comparison, and the scenario has one strategy",
                     "clv, or a scenario with two or more strategies");
  }
  if (!o.strategy.empty()) {
    if (std::find(strategies.begin(), strategies.end(), o.strategy) == strategies.end()) {
      throw InputError("--strategy", {}, "", "'" + o.strategy + "' is not a strategy of the scenario",
                       names_of(strategies));
    }
    if (o.metric == SensitivityOptions::Metric::uplift &&
        o.strategy == strategies[scenario.baseline]) {
      throw InputError("--strategy", {}, "", "'" + o.strategy + "' is the baseline: its uplift is 0",
                       "a strategy other than the baseline");
    }
  }
  std::vector<std::string> segments = {"total"};
  for (const Segment& g : scenario.segments) segments.push_back(g.name);
  if (std::find(segments.begin(), segments.end(), o.segment) == segments.end()) {
    throw InputError("--segment", {}, "", "'" + o.segment + "' is not a segment of the scenario",
                     names_of(segments));
  }
  const std::vector<SensitivityParameter> all = numeric_parameters(scenario);
  for (const std::string& path : o.only) {
    const bool known = std::any_of(all.begin(), all.end(),
                                   [&](const SensitivityParameter& p) { return p.path == path; });
    if (!known) {
      std::vector<std::string> paths;
      for (const SensitivityParameter& p : all) paths.push_back(p.path);
      throw InputError("--only", {}, path, "not a numeric parameter of the scenario",
                       names_of(paths));
    }
  }
}

SensitivityResult run_sensitivity(const Scenario& scenario, const SensitivityOptions& given,
                                  const RunOptions& run,
                                  const std::function<void(std::size_t, std::size_t)>& finished) {
  SensitivityOptions o = given;
  if (o.strategy.empty()) {
    const int pick = o.metric == SensitivityOptions::Metric::clv ? scenario.baseline
                                                                 : (scenario.baseline == 0 ? 1 : 0);
    o.strategy = scenario.strategies[pick].name;
  }
  std::vector<SensitivityParameter> parameters = numeric_parameters(scenario);
  if (!o.only.empty()) {
    std::erase_if(parameters, [&](const SensitivityParameter& p) {
      return std::find(o.only.begin(), o.only.end(), p.path) == o.only.end();
    });
  }

  // Variations load from the resolved text, so every path exists and the
  // base is exactly the scenario.
  const std::string resolved = resolved_scenario_yaml(scenario);
  std::vector<Scenario> runs = {scenario};
  std::vector<SensitivityRow> rows;
  std::vector<std::array<int, 2>> run_of;  // [row][low, high] -> index in runs, -1 = none
  for (const SensitivityParameter& p : parameters) {
    SensitivityRow row;
    row.path = p.path;
    row.value = p.value;
    std::array<int, 2> index = {-1, -1};
    for (int side = 0; side < 2; ++side) {
      std::string& text = side == 0 ? row.low_value : row.high_value;
      std::string& problem = side == 0 ? row.low_problem : row.high_problem;
      if (p.value == 0) {
        problem = "0 has no relative change";
        continue;
      }
      text = moved_value(p, o.delta, side == 0 ? -1 : +1);
      try {
        runs.push_back(load_scenario_text(resolved, scenario.source_file, {{p.path, text}}));
        index[side] = static_cast<int>(runs.size()) - 1;
      } catch (const InputError& e) {
        problem = e.problem();
      }
    }
    rows.push_back(row);
    run_of.push_back(index);
  }

  std::atomic<std::size_t> done{0};
  const std::vector<Results> results = run_scenarios(runs, run, [&](std::size_t) {
    if (finished) finished(++done, runs.size());
  });

  SensitivityResult out;
  const Estimate base = metric_of(results[0], o);
  out.base = base.mean;
  out.base_se = base.se;
  out.metric = std::string(o.metric == SensitivityOptions::Metric::clv ? "CLV per customer"
                                                                      : "CLV uplift per customer") +
               ", " + o.segment + ", " + o.strategy;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SensitivityRow& row = rows[i];
    if (run_of[i][0] >= 0) row.low = metric_of(results[run_of[i][0]], o).mean;
    if (run_of[i][1] >= 0) row.high = metric_of(results[run_of[i][1]], o).mean;
    row.swing = std::max(row.low ? std::fabs(*row.low - out.base) : 0.0,
                         row.high ? std::fabs(*row.high - out.base) : 0.0);
    row.elasticity = NAN;
    if (row.low && row.high && out.base != 0) {
      const double moved = (number_of(row.high_value) - number_of(row.low_value)) / row.value;
      row.elasticity = ((*row.high - *row.low) / out.base) / moved;
    }
  }
  // Ties (parameters with no effect) keep file order.
  std::stable_sort(rows.begin(), rows.end(), [](const SensitivityRow& a, const SensitivityRow& b) {
    return a.swing > b.swing;
  });
  out.rows = std::move(rows);
  return out;
}

}  // namespace clvsim
