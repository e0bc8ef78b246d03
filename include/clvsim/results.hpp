// What a run produces: Monte Carlo estimates with their uncertainty.
//
// Every Estimate is a mean across replications with its standard error
// (sd / sqrt(R)). With a single replication the spread is unknown: `se` and
// the interval bounds are then NaN, and writers print them as null/empty,
// never as a number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clvsim {

struct Estimate {
  double mean = 0.0;
  double se = 0.0;  // NaN when replications < 2
};

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// Quantiles of single customers' CLV, pooled over all replications. Exact to
// within the histogram's relative bucket width (see clv_histogram.hpp).
struct ClvQuantiles {
  double p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

struct SegmentSummary {
  std::string name;              // segment name, or "total"
  std::uint64_t customers = 0;   // initial cohort
  Estimate clv;                  // discounted profit per initial customer
  Interval clv_ci95;             // Student-t, R-1 degrees of freedom
  ClvQuantiles clv_quantiles;
  Estimate survival_end;         // share of initial cohort active in last period
  Estimate revenue;              // discounted revenue per initial customer
  Estimate treatment_cost;       // discounted treatment cost per initial customer
  Estimate equity;               // discounted profit of all customers, in total
};

// One period of one segment (or "total") under one strategy.
struct PeriodSummary {
  Estimate active;             // initial cohort customers active
  Estimate survival;           // active / initial customers
  std::optional<double> retention;  // mean active(t) / mean active(t-1); none at t=0 or 0/0
  Estimate active_all;         // all customers active, acquired included
  Estimate revenue;            // all customers
  Estimate profit;             // all customers, after cost to serve and treatment
  Estimate discounted_profit;  // profit / (1+d)^t
  Estimate treatment_cost;     // all customers
  Estimate denied;             // customers a budget moved to "none"
};

// How a strategy's budget was used, over every (replication, period).
struct BudgetUse {
  double per_period = 0;     // the cap
  Estimate spend;            // treatment spend per period, averaged over periods
  double max_spend = 0;      // the most spent in any period of any replication
  double binding_share = 0;  // share of periods in which a customer was denied
  Estimate denied;           // customers denied per period, averaged over periods
};

struct StrategySummary {
  std::string name;
  // segments in scenario order, then "total" last
  std::vector<SegmentSummary> segments;
  // periods[segment index as above][t]
  std::vector<std::vector<PeriodSummary>> periods;
  std::optional<BudgetUse> budget;  // strategies with a budget only
};

// Paired difference strategy - baseline, replication by replication.
struct Comparison {
  std::string strategy;
  std::string baseline;
  std::string segment;  // segment name or "total"
  Estimate clv_uplift;
  Interval clv_uplift_ci95;
  Estimate treatment_cost_change;
  std::optional<double> roi;  // uplift / cost change; none when change <= 0
};

// How a run with a precision target chose its replication count.
struct PrecisionReport {
  std::string target;   // as asked, e.g. "2.5" or "1%"
  std::string metric;   // "clv" or "uplift"
  std::string segment;  // segment name or "total"
  std::uint32_t batch = 0;
  std::uint32_t max_replications = 0;
  bool met = false;
  // At the end: the watched estimate whose 95% CI half-width was furthest
  // from its target (the one that decided when to stop), that half-width,
  // and the most it could have been.
  std::string widest;  // strategy name, or "strategy - baseline" for uplift
  double half_width = 0;
  double needed = 0;
};

struct RunStatistics {
  double active_customer_periods = 0;  // summed over strategies and replications
  double wall_seconds = 0;
  int threads = 0;
  std::optional<PrecisionReport> precision;  // runs with a precision target
};

struct Results {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint32_t replications = 0;
  int horizon = 0;
  double discount_rate = 0;
  std::vector<StrategySummary> strategies;
  std::vector<Comparison> comparisons;
  RunStatistics statistics;  // varies run to run: goes to run.json only
};

}  // namespace clvsim
