#include "results_builder.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace clvsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Estimate estimate_of(const RunningStat& s) {
  return {s.mean(), s.standard_error()};
}

Interval ci95_of(const RunningStat& s) {
  if (s.count() < 2) return {kNaN, kNaN};
  const boost::math::students_t_distribution<double> t(s.count() - 1.0);
  const double half =
      boost::math::quantile(boost::math::complement(t, 0.025)) * s.standard_error();
  return {s.mean() - half, s.mean() + half};
}

// Per-initial-customer values are undefined for a segment that starts empty.
double per_customer(double total, double customers) {
  return customers > 0 ? total / customers : kNaN;
}

}  // namespace

ResultsBuilder::ResultsBuilder(const Scenario& scenario)
    : scenario_(scenario),
      segments_(static_cast<int>(scenario.segments.size())),
      strategies_(static_cast<int>(scenario.strategies.size())),
      horizon_(scenario.horizon) {
  for (int t = 0; t < horizon_; ++t) {
    discount_.push_back(std::pow(1.0 + scenario.discount_rate, -t));
  }
  double total = 0;
  for (const Segment& s : scenario.segments) {
    initial_customers_.push_back(static_cast<double>(s.customers));
    total += static_cast<double>(s.customers);
  }
  initial_customers_.push_back(total);
  groups_.resize(static_cast<std::size_t>(strategies_) * (segments_ + 1));
  for (GroupStats& g : groups_) {
    for (auto* v : {&g.active, &g.active_all, &g.period_revenue, &g.profit,
                    &g.discounted_profit, &g.period_cost, &g.period_denied}) {
      v->resize(horizon_);
    }
  }
  pairs_.resize(groups_.size());
  budgets_.resize(strategies_);
}

void ResultsBuilder::add_replication(const std::vector<CohortTally>& tallies) {
  ++replications_;
  // The "total" tally, summed in segment order.
  CohortTally total(strategies_, horizon_);
  for (const CohortTally& t : tallies) total.add(t);

  std::vector<double> clv(groups_.size()), cost(groups_.size());
  for (int s = 0; s < strategies_; ++s) {
    for (int g = 0; g <= segments_; ++g) {
      const CohortTally& tally = g < segments_ ? tallies[g] : total;
      const double* init = tally.row(s, kInitialCohort);
      const double* acq = tally.row(s, kAcquiredCohort);
      GroupStats& stats = group(s, g);
      const double customers = initial_customers_[g];
      double disc_profit = 0, disc_revenue = 0, disc_cost = 0, equity = 0;
      for (int t = 0; t < horizon_; ++t) {
        const double* a = init + t * kTallyFields;
        const double* b = acq + t * kTallyFields;
        const double d = discount_[t];
        disc_profit += d * a[kProfit];
        disc_revenue += d * a[kRevenue];
        disc_cost += d * a[kTreatmentCost];
        const double profit_all = a[kProfit] + b[kProfit];
        equity += d * profit_all;
        stats.active[t].add(a[kActive]);
        stats.active_all[t].add(a[kActive] + b[kActive]);
        stats.period_revenue[t].add(a[kRevenue] + b[kRevenue]);
        stats.profit[t].add(profit_all);
        stats.discounted_profit[t].add(d * profit_all);
        stats.period_cost[t].add(a[kTreatmentCost] + b[kTreatmentCost]);
        stats.period_denied[t].add(a[kDenied] + b[kDenied]);
      }
      const std::size_t k = static_cast<std::size_t>(s) * (segments_ + 1) + g;
      clv[k] = per_customer(disc_profit, customers);
      cost[k] = per_customer(disc_cost, customers);
      stats.clv.add(clv[k]);
      stats.revenue.add(per_customer(disc_revenue, customers));
      stats.treatment_cost.add(cost[k]);
      stats.equity.add(equity);
      stats.survival_end.add(
          per_customer(init[(horizon_ - 1) * kTallyFields + kActive], customers));
    }
  }
  for (int s = 0; s < strategies_; ++s) {
    if (!scenario_.strategies[s].budget) continue;
    BudgetStats& use = budgets_[s];
    const double* init = total.row(s, kInitialCohort);
    const double* acq = total.row(s, kAcquiredCohort);
    double spend = 0, denied = 0;
    for (int t = 0; t < horizon_; ++t) {
      const double* a = init + t * kTallyFields;
      const double* b = acq + t * kTallyFields;
      const double spent = a[kTreatmentCost] + b[kTreatmentCost];
      const double refused = a[kDenied] + b[kDenied];
      spend += spent;
      denied += refused;
      use.max_spend = std::max(use.max_spend, spent);
      use.binding_periods += refused > 0;
    }
    use.spend.add(spend / horizon_);
    use.denied.add(denied / horizon_);
  }
  // Paired differences against the baseline, replication by replication.
  const int b = scenario_.baseline;
  for (int s = 0; s < strategies_; ++s) {
    for (int g = 0; g <= segments_; ++g) {
      const std::size_t k = static_cast<std::size_t>(s) * (segments_ + 1) + g;
      const std::size_t kb = static_cast<std::size_t>(b) * (segments_ + 1) + g;
      pairs_[k].clv_uplift.add(clv[k] - clv[kb]);
      pairs_[k].cost_change.add(cost[k] - cost[kb]);
    }
  }
}

Results ResultsBuilder::finish(const std::vector<ClvHistogram>& histograms) const {
  Results r;
  r.scenario = scenario_.name;
  r.seed = scenario_.simulation.seed;
  r.replications = replications_;
  r.horizon = horizon_;
  r.discount_rate = scenario_.discount_rate;
  for (int s = 0; s < strategies_; ++s) {
    StrategySummary ss;
    ss.name = scenario_.strategies[s].name;
    ClvHistogram pooled;
    for (int g = 0; g <= segments_; ++g) {
      const GroupStats& stats = group(s, g);
      SegmentSummary seg;
      seg.name = g < segments_ ? scenario_.segments[g].name : "total";
      seg.customers = static_cast<std::uint64_t>(initial_customers_[g]);
      seg.clv = estimate_of(stats.clv);
      seg.clv_ci95 = ci95_of(stats.clv);
      const ClvHistogram* h = &pooled;
      if (g < segments_) {
        h = &histograms[static_cast<std::size_t>(g) * strategies_ + s];
        pooled.merge(*h);
      }
      seg.clv_quantiles = {h->quantile(0.05), h->quantile(0.25), h->quantile(0.50),
                           h->quantile(0.75), h->quantile(0.95)};
      seg.survival_end = estimate_of(stats.survival_end);
      seg.revenue = estimate_of(stats.revenue);
      seg.treatment_cost = estimate_of(stats.treatment_cost);
      seg.equity = estimate_of(stats.equity);
      ss.segments.push_back(seg);

      std::vector<PeriodSummary> periods(horizon_);
      for (int t = 0; t < horizon_; ++t) {
        PeriodSummary& p = periods[t];
        p.active = estimate_of(stats.active[t]);
        const double n = initial_customers_[g];
        p.survival = {per_customer(p.active.mean, n), per_customer(p.active.se, n)};
        if (t > 0 && stats.active[t - 1].mean() > 0) {
          p.retention = stats.active[t].mean() / stats.active[t - 1].mean();
        }
        p.active_all = estimate_of(stats.active_all[t]);
        p.revenue = estimate_of(stats.period_revenue[t]);
        p.profit = estimate_of(stats.profit[t]);
        p.discounted_profit = estimate_of(stats.discounted_profit[t]);
        p.treatment_cost = estimate_of(stats.period_cost[t]);
        p.denied = estimate_of(stats.period_denied[t]);
      }
      ss.periods.push_back(std::move(periods));
    }
    if (const auto& budget = scenario_.strategies[s].budget) {
      const BudgetStats& use = budgets_[s];
      BudgetUse u;
      u.per_period = budget->per_period;
      u.spend = estimate_of(use.spend);
      u.max_spend = use.max_spend;
      u.binding_share = use.binding_periods / (static_cast<double>(use.spend.count()) * horizon_);
      u.denied = estimate_of(use.denied);
      ss.budget = u;
    }
    r.strategies.push_back(std::move(ss));
  }
  const int b = scenario_.baseline;
  for (int s = 0; s < strategies_; ++s) {
    if (s == b) continue;
    for (int g = 0; g <= segments_; ++g) {
      const PairStats& pair = pairs_[static_cast<std::size_t>(s) * (segments_ + 1) + g];
      Comparison c;
      c.strategy = scenario_.strategies[s].name;
      c.baseline = scenario_.strategies[b].name;
      c.segment = g < segments_ ? scenario_.segments[g].name : "total";
      c.clv_uplift = estimate_of(pair.clv_uplift);
      c.clv_uplift_ci95 = ci95_of(pair.clv_uplift);
      c.treatment_cost_change = estimate_of(pair.cost_change);
      if (pair.cost_change.mean() > 0) {
        c.roi = pair.clv_uplift.mean() / pair.cost_change.mean();
      }
      r.comparisons.push_back(c);
    }
  }
  return r;
}


template <typename Visit>
void ResultsBuilder::visit_state(Visit&& visit) {
  double replications = replications_;
  visit(replications);
  if (!(replications >= 0 && replications <= 4294967295.0 &&
        replications == std::floor(replications))) {
    throw std::invalid_argument("a results state with a replication count of " +
                                std::to_string(replications));
  }
  replications_ = static_cast<std::uint32_t>(replications);
  for (GroupStats& g : groups_) {
    for (RunningStat* s : {&g.clv, &g.survival_end, &g.revenue, &g.treatment_cost, &g.equity}) {
      s->visit_state(visit);
    }
    for (auto* series : {&g.active, &g.active_all, &g.period_revenue, &g.profit,
                         &g.discounted_profit, &g.period_cost, &g.period_denied}) {
      for (RunningStat& s : *series) s.visit_state(visit);
    }
  }
  for (PairStats& p : pairs_) {
    p.clv_uplift.visit_state(visit);
    p.cost_change.visit_state(visit);
  }
  for (BudgetStats& b : budgets_) {
    b.spend.visit_state(visit);
    b.denied.visit_state(visit);
    visit(b.max_spend);
    visit(b.binding_periods);
  }
}

std::vector<double> ResultsBuilder::save_state() const {
  std::vector<double> state;
  // visit_state only reads through the references when saving.
  const_cast<ResultsBuilder*>(this)->visit_state([&](double& x) { state.push_back(x); });
  return state;
}

void ResultsBuilder::restore_state(const std::vector<double>& state) {
  std::size_t expected = 0;
  visit_state([&](double&) { ++expected; });
  if (state.size() != expected) {
    throw std::invalid_argument("a results state of " + std::to_string(state.size()) +
                                " numbers where this scenario has " +
                                std::to_string(expected));
  }
  std::size_t next = 0;
  visit_state([&](double& x) { x = state[next++]; });
}

}  // namespace clvsim
