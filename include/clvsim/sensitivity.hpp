// One-at-a-time sensitivity analysis (clvsim sensitivity): every numeric
// parameter of a scenario moved down and up by a relative delta while the
// others stay put, ranked by how much a chosen metric moves -- the data of
// a tornado chart.
//
// All variations share the seed, so common random numbers make the changes
// far less noisy than the metric's own standard error: the same customers
// live through every variation.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {

// A numeric value of the resolved scenario (defaults included), by the key
// path --set takes.
struct SensitivityParameter {
  std::string path;
  double value = 0.0;
  // Counts (customers, horizon, tenure bounds, fixed acquisition): varied
  // values are rounded, and move by at least 1.
  bool whole = false;
};

// Every numeric parameter of `scenario` in file order, except the
// simulation settings (seed, replications), which are not assumptions
// about customers.
std::vector<SensitivityParameter> numeric_parameters(const Scenario& scenario);

struct SensitivityOptions {
  enum class Metric { clv, uplift };
  double delta = 0.1;  // relative move, in (0, 1)
  Metric metric = Metric::clv;
  // clv: this strategy's CLV per customer; uplift: this strategy's paired
  // uplift over the baseline. Empty = the baseline (clv) or the first other
  // strategy (uplift).
  std::string strategy;
  std::string segment = "total";
  std::vector<std::string> only;  // key paths; empty = every parameter
};

struct SensitivityRow {
  std::string path;
  double value = 0.0;
  // The two variations: the value run (as --set text) and the metric, or
  // the reason it could not run (a value outside the key's valid range, a
  // zero that has no relative move).
  std::string low_value, high_value;
  std::optional<double> low, high;
  std::string low_problem, high_problem;
  // max(|low - base|, |high - base|) over the variations that ran; ranks rows.
  double swing = 0.0;
  // (relative change of the metric) / (relative change of the parameter)
  // between the two variations; NaN unless both ran and the base is not 0.
  double elasticity = 0.0;
};

struct SensitivityResult {
  std::string metric;  // e.g. "CLV per customer, total, tailored"
  double base = 0.0;
  double base_se = 0.0;
  std::vector<SensitivityRow> rows;  // largest swing first
};

// Checks `options` against the scenario: throws InputError naming the option
// (--strategy, --segment, --only, --metric) when it names nothing.
void check_sensitivity_options(const Scenario& scenario, const SensitivityOptions& options);

// Runs the base and the 2 variations of every parameter side by side on
// `run.threads` threads. `finished(done, total)` reports progress (from a
// worker thread). REQUIRES: check_sensitivity_options() passed.
SensitivityResult run_sensitivity(const Scenario& scenario, const SensitivityOptions& options,
                                  const RunOptions& run,
                                  const std::function<void(std::size_t, std::size_t)>& finished = {});

// sensitivity.csv: one row per parameter, ranked.
std::string sensitivity_csv(const SensitivityResult& result);

// The ranked table for the console, with a text tornado bar per row.
std::string sensitivity_table(const SensitivityResult& result, std::size_t max_rows);

}  // namespace clvsim
