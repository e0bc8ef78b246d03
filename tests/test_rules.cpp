// Rules strategies against exact answers.
//
// A rule that reads only the level and the tenure makes each customer of
// the initial cohort a time-inhomogeneous Markov chain on the ladder's
// levels (tenure = period for them): in period t a customer at level l gets
// treatment policy(l, t), so
//   x_{t+1} = x_t diag(1 - q_t) M_t,
// with q and the move matrix M of that treatment. Expected survival, profit
// and treatment cost per period follow exactly (Eigen). With sBG churn the
// chain holds given theta and the expectation is its integral over the Beta
// density: a strategy that peeked at theta (or mu) would not match it.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <functional>

#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"
#include "statistical_checks.hpp"

namespace clvsim {
namespace {

struct ChainAnswer {
  std::vector<double> active, profit, cost;  // expected, per period
  double clv = 0;                            // per initial customer
};

// The treatment of the first rule that holds at (level, tenure) in segment
// 0; rules here condition on nothing else.
int policy(const Strategy& strategy, int level, int tenure) {
  for (const Rule& r : strategy.rules) {
    if (r.level_at_least && level < *r.level_at_least) continue;
    if (r.level_at_most && level > *r.level_at_most) continue;
    if (r.tenure_at_least && tenure < *r.tenure_at_least) continue;
    if (r.tenure_at_most && tenure > *r.tenure_at_most) continue;
    return r.treatment;
  }
  return 0;
}

ChainAnswer exact_chain_at(const Scenario& sc, int strategy, double p) {
  const Segment& seg = sc.segments[0];
  const RelationshipLadder& lad = sc.relationship;
  const int levels = static_cast<int>(lad.levels.size());
  Eigen::RowVectorXd x = Eigen::RowVectorXd::Zero(levels);
  x(lad.start) = static_cast<double>(seg.customers);
  ChainAnswer a;
  for (int t = 0; t < sc.horizon; ++t) {
    Eigen::MatrixXd move = Eigen::MatrixXd::Zero(levels, levels);
    Eigen::VectorXd stay(levels), profit(levels), cost(levels);
    for (int l = 0; l < levels; ++l) {
      const int tr = policy(sc.strategies[strategy], l, t);
      const Response& resp = sc.response[0][tr];
      const double up = resp.up.value_or(lad.up), down = resp.down.value_or(lad.down);
      move(l, std::min(l + 1, levels - 1)) += up;
      move(l, std::max(l - 1, 0)) += down;
      move(l, l) += 1 - up - down;
      stay(l) = 1 - std::min(1.0, p * lad.churn[l] * resp.churn);
      cost(l) = sc.treatments[tr].cost;
      profit(l) = seg.revenue.mean * lad.revenue[l] * resp.revenue * seg.margin -
                  seg.cost_to_serve - cost(l);
    }
    a.active.push_back(x.sum());
    a.profit.push_back(x.dot(profit));
    a.cost.push_back(x.dot(cost));
    a.clv += std::pow(1 + sc.discount_rate, -t) * a.profit.back() / seg.customers;
    x = x * stay.asDiagonal() * move;
  }
  return a;
}

// E over theta ~ Beta(a, b) of the chain, by 30-point Gauss-Legendre after
// theta = s^(1/a), which removes the density's singularity at 0 (the kinks
// of min(1, .) are far above the Beta mass used here).
ChainAnswer exact_sbg_chain(const Scenario& sc, int strategy) {
  const double a = sc.segments[0].churn.alpha, b = sc.segments[0].churn.beta;
  const double norm = 1.0 / (a * boost::math::beta(a, b));
  ChainAnswer sum;
  sum.active.assign(sc.horizon, 0);
  sum.profit.assign(sc.horizon, 0);
  sum.cost.assign(sc.horizon, 0);
  constexpr int kPanels = 16;
  for (int panel = 0; panel < kPanels; ++panel) {
    const double lo = static_cast<double>(panel) / kPanels;
    const double hi = static_cast<double>(panel + 1) / kPanels;
    for (int i = 0; i < 15; ++i) {
      // boost's 30-point rule stores 15 non-negative abscissae.
      const double xi = boost::math::quadrature::gauss<double, 30>::abscissa()[i];
      const double wi = boost::math::quadrature::gauss<double, 30>::weights()[i];
      for (double sign : {-1.0, 1.0}) {
        if (xi == 0 && sign > 0) continue;
        const double s = 0.5 * (lo + hi) + sign * 0.5 * (hi - lo) * xi;
        const double theta = std::pow(s, 1.0 / a);
        const double w = wi * 0.5 * (hi - lo) * norm * std::pow(1 - theta, b - 1);
        const ChainAnswer c = exact_chain_at(sc, strategy, theta);
        for (int t = 0; t < sc.horizon; ++t) {
          sum.active[t] += w * c.active[t];
          sum.profit[t] += w * c.profit[t];
          sum.cost[t] += w * c.cost[t];
        }
        sum.clv += w * c.clv;
      }
    }
  }
  return sum;
}

// Onboarding for the first three periods, then the consultative treatment
// at the top two levels, a cheap (mismatched) catalogue for customers stuck
// at the bottom after a year, nothing otherwise.
Scenario rules_scenario(Segment segment) {
  Scenario sc = testing::single_segment("rules", std::move(segment), 30, 200, 4242, 0.01);
  testing::set_ladder(sc, {1.0, 0.85, 0.7, 0.5}, {1.0, 1.1, 1.25, 1.4}, 0, 0.05, 0.02);
  const int onboard = testing::add_treatment(sc, "onboarding", 4.0);
  const int consult = testing::add_treatment(sc, "consultative", 3.0);
  const int catalogue = testing::add_treatment(sc, "catalogue", 0.5);
  sc.response[0][onboard] = {0.6, 1.0, 0.15, std::nullopt};
  sc.response[0][consult] = {0.9, 1.05, 0.12, 0.01};
  sc.response[0][catalogue] = {1.3, 1.0, std::nullopt, 0.2};
  Strategy rules;
  rules.name = "lifecycle";
  rules.rules = {Rule{.tenure_at_most = 2, .treatment = onboard},
                 Rule{.level_at_least = 2, .treatment = consult},
                 Rule{.level_at_most = 0, .tenure_at_least = 12, .treatment = catalogue},
                 Rule{}};  // catch-all: none
  sc.strategies.push_back(rules);
  return sc;
}

// Every period's active customers, profit and treatment cost, and the CLV,
// of the rules strategy (index 1) against `exact`. 91 checks, each at a
// false-alarm rate of 1e-5 / 91 (Bonferroni).
void expect_matches(const Scenario& sc, const ChainAnswer& exact) {
  const Results r = run_simulation(sc, {.threads = 2});
  const double k = testing::bonferroni_k(sc.simulation.replications, 91);
  const auto& periods = r.strategies[1].periods[0];
  for (int t = 0; t < sc.horizon; ++t) {
    testing::expect_within(periods[t].active, exact.active[t], k, t);
    testing::expect_within(periods[t].profit, exact.profit[t], k, t);
    testing::expect_within(periods[t].treatment_cost, exact.cost[t], k, t);
  }
  const Estimate& clv = r.strategies[1].segments[0].clv;
  EXPECT_NEAR(clv.mean, exact.clv, k * clv.se);
}

TEST(Rules, LevelAndTenureRulesMatchMarkovChain) {
  const Scenario sc = rules_scenario(testing::geometric_segment(3000, 0.08, 40, 0.35, 1.0));
  expect_matches(sc, exact_chain_at(sc, 1, sc.segments[0].churn.p));
}

TEST(Rules, DecisionsIgnoreLatentPropensityUnderSbgChurn) {
  Segment seg = testing::sbg_segment(3000, 0.9, 6.0, 40, 0.35, 1.0);
  const Scenario sc = rules_scenario(seg);
  expect_matches(sc, exact_sbg_chain(sc, 1));
}

// In period 0 every customer looks the same (tenure 0, the start level, no
// history), however different theta and mu are: all get the same treatment.
TEST(Rules, FirstPeriodLooksTheSameForEveryone) {
  Segment seg = testing::sbg_segment(5000, 0.5, 2.0, 40, 0.35, 1.0);
  seg.revenue.heterogeneity = 0.5;
  Scenario sc = rules_scenario(seg);
  sc.simulation.replications = 4;
  const Results r = run_simulation(sc, {.threads = 2});
  const PeriodSummary& p0 = r.strategies[1].periods[0][0];
  EXPECT_EQ(p0.treatment_cost.mean, 4.0 * 5000);  // onboarding, cost 4
}

// Two rules that both hold: the first one listed wins.
TEST(Rules, FirstMatchWins) {
  Scenario sc = testing::single_segment(
      "first", testing::geometric_segment(1000, 0.1, 20), 6, 8, 5);
  const int a = testing::add_treatment(sc, "a", 1.0);
  const int b = testing::add_treatment(sc, "b", 10.0);
  for (const auto& [name, first, second] : {std::tuple{"a-first", a, b}, std::tuple{"b-first", b, a}}) {
    Strategy s;
    s.name = name;
    s.rules = {Rule{.segments = {0}, .treatment = first},
               Rule{.tenure_at_least = 0, .treatment = second}};
    sc.strategies.push_back(s);
  }
  const Results r = run_simulation(sc, {.threads = 1});
  for (int t = 0; t < sc.horizon; ++t) {
    const double active = r.strategies[1].periods[0][t].active.mean;
    EXPECT_DOUBLE_EQ(r.strategies[1].periods[0][t].treatment_cost.mean, 1.0 * active);
    EXPECT_DOUBLE_EQ(r.strategies[2].periods[0][t].treatment_cost.mean,
                     10.0 * r.strategies[2].periods[0][t].active.mean);
  }
}

// Conditions on last period never hold in a customer's first period, and
// value so far is the discounted profit to date. With no noise and no
// heterogeneity every survivor has the same history, so the period in which
// "value_so_far_at_least" first holds is known exactly, and from it the
// expected treatment cost of every period.
TEST(Rules, HistoryConditionsUseObservedValueSoFar) {
  const double p = 0.1, mean = 20, margin = 0.5, cts = 1.0, rate = 0.02;
  Scenario sc = testing::single_segment(
      "history", testing::geometric_segment(4000, p, mean, margin, cts), 12, 16, 9, rate);
  const int premium = testing::add_treatment(sc, "premium", 2.0);
  const int starter = testing::add_treatment(sc, "starter", 0.5);
  const double threshold = 30;
  Strategy s;
  s.name = "history";
  s.rules = {Rule{.value_so_far_at_least = threshold, .treatment = premium},
             Rule{.last_revenue_at_most = 1e9, .treatment = 0},  // from the second period
             Rule{.treatment = starter}};                        // the first period only
  sc.strategies.push_back(s);

  // The history every survivor shares.
  std::vector<int> treatment;
  double value = 0;
  for (int t = 0; t < sc.horizon; ++t) {
    const int tr = value >= threshold ? premium : t == 0 ? starter : 0;
    treatment.push_back(tr);
    value += std::pow(1 + rate, -t) * (mean * margin - cts - sc.treatments[tr].cost);
  }
  ASSERT_NE(std::find(treatment.begin(), treatment.end(), premium), treatment.end());
  ASSERT_EQ(treatment[1], 0);

  const Results res = run_simulation(sc, {.threads = 2});
  for (int t = 0; t < sc.horizon; ++t) {
    const PeriodSummary& pt = res.strategies[1].periods[0][t];
    EXPECT_DOUBLE_EQ(pt.treatment_cost.mean,
                     sc.treatments[treatment[t]].cost * pt.active.mean)
        << "t=" << t;
  }
}

}  // namespace
}  // namespace clvsim
