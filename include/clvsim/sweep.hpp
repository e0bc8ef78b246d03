// Sweeps: one scenario run at every point of a grid of values (clvsim sweep).
//
// A point is a list of --set overrides applied after the user's own, so a
// point's results are exactly those of `clvsim run --set ...` with the same
// values, seed and replications.
#pragma once

#include <string>
#include <vector>

#include "clvsim/results.hpp"

namespace clvsim {

inline constexpr std::size_t kMaxSweepPoints = 100000;

// One varied key path and its values, as YAML text for --set.
struct SweepAxis {
  std::string path;
  std::vector<std::string> values;
};

// Parses "PATH=V1,V2,..." (a list; commas inside [] or {} or quotes do not
// split) or "PATH=START:STOP:STEP" (inclusive, with as many decimals as the
// most precise of the three, so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3 exactly as
// typed). Throws InputError (file "--vary") naming what is wrong.
SweepAxis parse_sweep_axis(const std::string& text);

// The points, each a value per axis in axis order: the full grid with the
// first axis varying slowest, or with `zip` the i-th value of every axis
// (all axes must then have the same length). Throws InputError on a zip
// length mismatch, a path varied twice, or more than kMaxSweepPoints points.
std::vector<std::vector<std::string>> sweep_points(const std::vector<SweepAxis>& axes,
                                                   bool zip);

// sweep.csv: one row per point x strategy x segment (and total): the varied
// values, CLV mean, se and 95% CI, survival at the horizon, treatment cost,
// and the paired uplift against the baseline with its CI (empty for the
// baseline itself). results[i] are point i's results.
std::string sweep_csv(const std::vector<SweepAxis>& axes,
                      const std::vector<std::vector<std::string>>& points,
                      const std::vector<Results>& results);

// The console summary: per point, the varied values and each strategy's
// total CLV per customer with its 95% CI half-width and its uplift over the
// baseline.
std::string sweep_table(const std::vector<SweepAxis>& axes,
                        const std::vector<std::vector<std::string>>& points,
                        const std::vector<Results>& results);

}  // namespace clvsim
