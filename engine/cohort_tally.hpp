// Running tallies of one segment in one replication: for every strategy,
// cohort (initial or acquired) and period, sums over customers of what
// happened in that period. Memory is strategies x periods, never customers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace clvsim {

enum TallyField : int {
  kActive = 0,         // customers active in the period
  kRevenue = 1,        // revenue R
  kProfit = 2,         // R * margin - cost to serve - treatment cost
  kTreatmentCost = 3,  // treatment cost
  kDenied = 4,         // customers a budget moved from their treatment to none
  kTallyFields = 5,
};

enum Cohort : int { kInitialCohort = 0, kAcquiredCohort = 1, kCohorts = 2 };

class CohortTally {
 public:
  CohortTally() = default;
  CohortTally(int strategies, int horizon)
      : strategies_(strategies),
        horizon_(horizon),
        sums_(static_cast<std::size_t>(strategies) * kCohorts * horizon *
                  kTallyFields,
              0.0) {}

  int strategies() const { return strategies_; }
  int horizon() const { return horizon_; }

  // The kTallyFields sums of period 0; period t is at offset t * kTallyFields.
  double* row(int strategy, int cohort) {
    return sums_.data() + offset(strategy, cohort);
  }
  const double* row(int strategy, int cohort) const {
    return sums_.data() + offset(strategy, cohort);
  }
  double at(int strategy, int cohort, int period, TallyField field) const {
    return row(strategy, cohort)[period * kTallyFields + field];
  }

  // Copies strategy `from` of `other`, a tally of the same horizon, into
  // strategy `to` of this one.
  void copy_strategy(int to, const CohortTally& other, int from) {
    const std::size_t size = static_cast<std::size_t>(kCohorts) * horizon_ * kTallyFields;
    std::copy_n(other.sums_.data() + other.offset(from, 0), size, sums_.data() + offset(to, 0));
  }

  // Every sum, for sending between ranks: size() values.
  const double* data() const { return sums_.data(); }
  double* data() { return sums_.data(); }
  std::size_t size() const { return sums_.size(); }

  // Element-wise sum. Callers merge in a fixed order (block order, then
  // segment order) so floating-point results never depend on scheduling.
  void add(const CohortTally& other) {
    for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i] += other.sums_[i];
  }

 private:
  std::size_t offset(int strategy, int cohort) const {
    return (static_cast<std::size_t>(strategy) * kCohorts + cohort) * horizon_ *
           kTallyFields;
  }

  int strategies_ = 0;
  int horizon_ = 0;
  std::vector<double> sums_;
};

}  // namespace clvsim
