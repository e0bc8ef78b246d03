// Turns per-replication tallies into Results: means, standard errors and
// Student-t intervals across replications, paired comparisons, quantiles.
//
// Replications must be added in replication order: the floating-point
// result then depends only on the tallies, so a run split over threads or
// processes gives the same bits as a straight one.
#pragma once

#include <cstdint>
#include <vector>

#include "clv_histogram.hpp"
#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"
#include "cohort_tally.hpp"
#include "running_stat.hpp"

namespace clvsim {

class ResultsBuilder {
 public:
  explicit ResultsBuilder(const Scenario& scenario);

  // One replication: tallies[segment], in scenario segment order.
  void add_replication(const std::vector<CohortTally>& tallies);

  // The replications added so far. Results::replications is this count, not
  // the scenario's, so a run extended batch by batch reports what it did.
  std::uint32_t replications() const { return replications_; }

  // The whole state as numbers, for a checkpoint; restore_state() of them
  // into a builder of the same scenario continues bit for bit. Throws
  // std::invalid_argument when `state` has the wrong length.
  std::vector<double> save_state() const;
  void restore_state(const std::vector<double>& state);

  // histograms[segment * strategies + strategy] pooled over all replications.
  Results finish(const std::vector<ClvHistogram>& histograms) const;

 private:
  // Running statistics of one (strategy, segment-or-total).
  struct GroupStats {
    RunningStat clv, survival_end, revenue, treatment_cost, equity;
    // [t]: active, active_all, revenue, profit, discounted profit, cost
    std::vector<RunningStat> active, active_all, period_revenue, profit,
        discounted_profit, period_cost, period_denied;
  };
  // Budget use of one strategy (total over segments).
  struct BudgetStats {
    RunningStat spend, denied;
    double max_spend = 0;
    double binding_periods = 0;
  };
  struct PairStats {
    RunningStat clv_uplift, cost_change;
  };

  // visit(double&) on every number of the state, in one fixed order.
  template <typename Visit>
  void visit_state(Visit&& visit);

  GroupStats& group(int strategy, int segment) {
    return groups_[strategy * (segments_ + 1) + segment];
  }
  const GroupStats& group(int strategy, int segment) const {
    return groups_[strategy * (segments_ + 1) + segment];
  }

  const Scenario& scenario_;
  std::uint32_t replications_ = 0;
  int segments_;
  int strategies_;
  int horizon_;
  std::vector<double> discount_;
  std::vector<double> initial_customers_;  // [segment], then total
  std::vector<GroupStats> groups_;
  std::vector<PairStats> pairs_;  // [strategy * (segments + 1) + segment]
  std::vector<BudgetStats> budgets_;  // [strategy]
};

}  // namespace clvsim
