// Customer lifetime value against closed forms.
//
// With no revenue noise a customer's CLV is a * D, a = mu * margin - cost,
// D = sum_{t < min(T, H)} v^t, v = 1/(1+d), where the lifetime T has
// P(T > t) = S(t). Then
//   E[D]   = sum_t v^t S(t)
//   E[D^2] = sum_{t,u} v^(t+u) S(max(t, u))
// for any churn model, so the standard error of the mean CLV over N
// customers and R replications is |a| sqrt(Var D / (N R)). Each test checks
// the estimate within 4.5 of those standard errors and the reported error
// within 15% of theory.
#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <functional>

#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

constexpr double kSigmas = 4.5;
using Survival = std::function<double(int)>;

struct LifetimeMoments {
  double mean;      // E[D]
  double variance;  // Var[D]
};

LifetimeMoments discounted_lifetime(const Survival& survival, int horizon, double d) {
  const double v = 1.0 / (1.0 + d);
  double m1 = 0, m2 = 0;
  for (int t = 0; t < horizon; ++t) {
    m1 += std::pow(v, t) * survival(t);
    for (int u = 0; u < horizon; ++u) {
      m2 += std::pow(v, t + u) * survival(std::max(t, u));
    }
  }
  return {m1, m2 - m1 * m1};
}

double sbg_survival(double alpha, double beta, int t) {
  return std::exp(std::lgamma(beta + t) - std::lgamma(beta) +
                  std::lgamma(alpha + beta) - std::lgamma(alpha + beta + t));
}

void expect_clv_matches(const Scenario& sc, const Survival& survival) {
  const Segment& seg = sc.segments[0];
  const double a = seg.revenue.mean * seg.margin - seg.cost_to_serve;
  const LifetimeMoments d = discounted_lifetime(survival, sc.horizon, sc.discount_rate);
  const double n = static_cast<double>(seg.customers);
  const double theory_se = std::fabs(a) * std::sqrt(d.variance / (n * sc.simulation.replications));
  const Results r = run_simulation(sc, {.threads = 2});
  const SegmentSummary& s = r.strategies[0].segments[0];
  EXPECT_NEAR(s.clv.mean, a * d.mean, kSigmas * theory_se);
  EXPECT_NEAR(s.clv.se / theory_se, 1.0, 0.15);
  // The CI is mean +/- t(0.975, R-1) se; for R = 400, t is 1.9659.
  EXPECT_NEAR((s.clv_ci95.high - s.clv_ci95.low) / (2 * s.clv.se), 1.9659, 1e-3);
  // Revenue per initial customer: mu * E[D].
  EXPECT_NEAR(s.revenue.mean, seg.revenue.mean * d.mean,
              kSigmas * seg.revenue.mean * std::sqrt(d.variance / (n * sc.simulation.replications)));
}

TEST(Clv, GeometricClosedForm) {
  const double p = 0.05;
  Scenario sc = testing::single_segment(
      "geo", testing::geometric_segment(1000, p, 55.0, 0.22, 1.5), 36, 400, 99, 0.008);
  expect_clv_matches(sc, [&](int t) { return std::pow(1 - p, t); });
}

TEST(Clv, GeometricNegativeValueWhenCostExceedsMargin) {
  const double p = 0.2;
  Scenario sc = testing::single_segment(
      "loss", testing::geometric_segment(1000, p, 10.0, 0.1, 3.0), 12, 400, 5, 0.01);
  expect_clv_matches(sc, [&](int t) { return std::pow(1 - p, t); });
}

TEST(Clv, SbgHighEndClosedForm) {
  const double a = 0.668, b = 3.806;
  Scenario sc = testing::single_segment(
      "high-end", testing::sbg_segment(1000, a, b, 40.0, 0.3, 2.0), 36, 400, 17, 0.01);
  expect_clv_matches(sc, [&](int t) { return sbg_survival(a, b, t); });
}

TEST(Clv, SbgRegularClosedForm) {
  const double a = 0.704, b = 1.182;
  Scenario sc = testing::single_segment(
      "regular", testing::sbg_segment(1000, a, b, 40.0, 0.3, 2.0), 24, 400, 23, 0.02);
  expect_clv_matches(sc, [&](int t) { return sbg_survival(a, b, t); });
}

TEST(Clv, SbgLongHorizonTendsToHypergeometric) {
  // For H -> infinity, sum_t v^t S(t) = 2F1(1, beta; alpha + beta; v).
  const double a = 0.668, b = 3.806, d = 0.1;
  const double v = 1 / (1 + d);
  const double limit = boost::math::hypergeometric_pFq({1.0, b}, {a + b}, v);
  const int horizon = 300;  // v^300 < 1e-12: the truncated tail is negligible
  const LifetimeMoments m = discounted_lifetime(
      [&](int t) { return sbg_survival(a, b, t); }, horizon, d);
  EXPECT_NEAR(m.mean, limit, 1e-9);
  Scenario sc = testing::single_segment(
      "long", testing::sbg_segment(1000, a, b, 10.0), horizon, 100, 31, d);
  const Results r = run_simulation(sc, {.threads = 2});
  const Estimate& clv = r.strategies[0].segments[0].clv;
  EXPECT_NEAR(clv.mean, 10.0 * limit, kSigmas * clv.se);
}

// One period only: CLV = margin * r - cost with r the single revenue draw, so
// its quantiles are those of a scaled gamma.
Scenario one_period(std::optional<double> heterogeneity, std::optional<double> noise) {
  // 400 replications so the standard error itself is known to within ~4%.
  Segment g = testing::geometric_segment(1000, 0.1, 50.0, 0.5, 1.0);
  g.revenue.heterogeneity = heterogeneity;
  g.revenue.noise = noise;
  return testing::single_segment("one-period", g, 1, 400, 41);
}

void expect_gamma_quantiles(const ClvQuantiles& q, double shape) {
  // CLV = 0.5 * r - 1 with r ~ Gamma(shape, 50 / shape).
  const boost::math::gamma_distribution<double> g(shape, 50.0 / shape);
  const double n = 1000.0 * 400;  // customers pooled over replications
  const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
  const double got[] = {q.p05, q.p25, q.p50, q.p75, q.p95};
  for (int i = 0; i < 5; ++i) {
    const double r = boost::math::quantile(g, ps[i]);
    const double exact = 0.5 * r - 1.0;
    // A sample quantile's standard error is sqrt(p (1 - p) / n) / density;
    // the histogram adds at most 1/128 of the value.
    const double se = std::sqrt(ps[i] * (1 - ps[i]) / n) / (boost::math::pdf(g, r) / 0.5);
    EXPECT_NEAR(got[i], exact, 4.5 * se + std::fabs(exact) / 128) << "p" << ps[i];
  }
}

TEST(Clv, HeterogeneityKeepsMeanAndSpreadsQuantilesAsGamma) {
  const Results r = run_simulation(one_period(4.0, std::nullopt), {.threads = 2});
  const SegmentSummary& s = r.strategies[0].segments[0];
  EXPECT_NEAR(s.clv.mean, 24.0, kSigmas * s.clv.se);
  EXPECT_NEAR(s.clv.se / (0.5 * 50.0 / 2.0 / std::sqrt(1000.0 * 400)), 1.0, 0.15);
  expect_gamma_quantiles(s.clv_quantiles, 4.0);
}

TEST(Clv, NoiseKeepsMeanAndSpreadsQuantilesAsGamma) {
  const Results r = run_simulation(one_period(std::nullopt, 2.0), {.threads = 2});
  const SegmentSummary& s = r.strategies[0].segments[0];
  EXPECT_NEAR(s.clv.mean, 24.0, kSigmas * s.clv.se);
  expect_gamma_quantiles(s.clv_quantiles, 2.0);
}

TEST(Clv, NoiseBelowShapeOneUsesBoostedSampler) {
  const Results r = run_simulation(one_period(std::nullopt, 0.4), {.threads = 2});
  const SegmentSummary& s = r.strategies[0].segments[0];
  EXPECT_NEAR(s.clv.mean, 24.0, kSigmas * s.clv.se);
  expect_gamma_quantiles(s.clv_quantiles, 0.4);
}

TEST(Clv, HeterogeneityAndNoiseTogetherWidenFurther) {
  const Results both = run_simulation(one_period(4.0, 2.0), {.threads = 2});
  const Results het = run_simulation(one_period(4.0, std::nullopt), {.threads = 2});
  const Results noise = run_simulation(one_period(std::nullopt, 2.0), {.threads = 2});
  const auto spread = [](const Results& r) {
    const ClvQuantiles& q = r.strategies[0].segments[0].clv_quantiles;
    return q.p95 - q.p05;
  };
  const SegmentSummary& s = both.strategies[0].segments[0];
  EXPECT_NEAR(s.clv.mean, 24.0, kSigmas * s.clv.se);
  // Var(XY) for independent unit-mean gammas: (1 + 1/h)(1 + 1/k) - 1.
  const double sd = 25.0 * std::sqrt((1 + 1 / 4.0) * (1 + 1 / 2.0) - 1);
  EXPECT_NEAR(s.clv.se / (sd / std::sqrt(1000.0 * 400)), 1.0, 0.15);
  EXPECT_GT(spread(both), spread(het));
  EXPECT_GT(spread(both), spread(noise));
}

TEST(Clv, NoiseOverManyPeriodsKeepsTheMean) {
  Segment g = testing::sbg_segment(2000, 0.668, 3.806, 50.0, 0.3, 1.0);
  g.revenue.heterogeneity = 3.0;
  g.revenue.noise = 1.5;
  const Scenario sc = testing::single_segment("mix", g, 24, 100, 8, 0.01);
  const Results r = run_simulation(sc, {.threads = 2});
  const LifetimeMoments m = discounted_lifetime(
      [](int t) { return sbg_survival(0.668, 3.806, t); }, 24, 0.01);
  const Estimate& clv = r.strategies[0].segments[0].clv;
  EXPECT_NEAR(clv.mean, (50.0 * 0.3 - 1.0) * m.mean, kSigmas * clv.se);
}

// Acquisition: A new customers each period t >= 1 under geometric churn.
// Expected active customers of all cohorts in period t:
//   N s^t + A (1 - s^t) / (1 - s)
double expected_active_all(double n, double a, double s, int t) {
  return n * std::pow(s, t) + a * (1 - std::pow(s, t)) / (1 - s);
}

void expect_acquisition_matches(bool poisson) {
  const double p = 0.1, d = 0.01, n = 1000, a = 150;
  Segment g = testing::geometric_segment(1000, p, 20.0, 0.5, 2.0);
  g.acquisition = Acquisition{a, poisson};
  const Scenario sc = testing::single_segment("acq", g, 20, 200, 13, d);
  const Results r = run_simulation(sc, {.threads = 2});
  const auto& periods = r.strategies[0].periods[0];
  double equity = 0;
  for (int t = 0; t < 20; ++t) {
    const double active = expected_active_all(n, a, 1 - p, t);
    EXPECT_NEAR(periods[t].active_all.mean, active,
                kSigmas * std::max(periods[t].active_all.se, 1e-9)) << "period " << t;
    equity += std::pow(1 + d, -t) * active * (20.0 * 0.5 - 2.0);
    // Money columns are discounted exactly by (1+d)^-t.
    EXPECT_NEAR(periods[t].discounted_profit.mean,
                periods[t].profit.mean * std::pow(1 + d, -t),
                1e-9 * std::fabs(periods[t].profit.mean));
  }
  const Estimate& e = r.strategies[0].segments[0].equity;
  EXPECT_NEAR(e.mean, equity, kSigmas * e.se);
  // Survival and CLV are about the initial cohort only.
  EXPECT_NEAR(periods[5].survival.mean, std::pow(1 - p, 5), kSigmas * periods[5].survival.se);
}

TEST(Clv, FixedAcquisitionEquity) { expect_acquisition_matches(false); }
TEST(Clv, PoissonAcquisitionEquity) { expect_acquisition_matches(true); }

TEST(Clv, PoissonAcquisitionVariesFixedDoesNot) {
  Segment g = testing::geometric_segment(0, 1.0, 20.0);  // everyone leaves after one period
  g.acquisition = Acquisition{400, true};
  Scenario sc = testing::single_segment("acq", g, 6, 400, 2);
  Results r = run_simulation(sc, {.threads = 2});
  const Estimate& active = r.strategies[0].periods[0][3].active_all;
  // Poisson(400): sd 20, so se over 400 replications is 1.
  EXPECT_NEAR(active.mean, 400, kSigmas * 1.0);
  EXPECT_NEAR(active.se, 1.0, 0.15);
  sc.segments[0].acquisition->poisson = false;
  r = run_simulation(sc, {.threads = 2});
  EXPECT_EQ(r.strategies[0].periods[0][3].active_all.mean, 400);
  EXPECT_EQ(r.strategies[0].periods[0][3].active_all.se, 0);
  EXPECT_EQ(r.strategies[0].periods[0][0].active_all.mean, 0);
}

}  // namespace
}  // namespace clvsim
