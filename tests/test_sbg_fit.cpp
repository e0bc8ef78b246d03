// The sBG fit against the worked example of Fader & Hardie, "How to Project
// Customer Retention" (J. Interactive Marketing, 2007): percent of an
// original cohort still active in years 0-12 for two segments, fitted on
// years 1-7 as counts out of 1,000. The paper reports alpha, beta to three
// decimals and the High End log-likelihood to one, so those are the
// tolerances.
#include "clvsim/sbg_fit.hpp"

#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
// Boost 1.74's pFq header uses lgamma and expm1 without including them.
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace clvsim {
namespace {

const std::vector<double> kRegular = {100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2,
                                      24.1, 22.3, 20.7, 19.4, 18.3, 17.3};
const std::vector<double> kHighEnd = {100, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7,
                                      49.1, 46.8, 44.5, 42.7, 40.9, 39.4};

// Years 0..years of a percent table as counts of 1,000 customers.
SbgCohort counts(const std::vector<double>& percent, int years) {
  SbgCohort c;
  for (int t = 0; t <= years; ++t) c.active.push_back(10.0 * percent[t]);
  return c;
}

TEST(SbgFit, RegularMatchesPaper) {
  const SbgFit fit = fit_sbg({counts(kRegular, 7)});
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.alpha, 0.704, 5e-4);
  EXPECT_NEAR(fit.beta, 1.182, 5e-4);
}

TEST(SbgFit, HighEndMatchesPaper) {
  const std::vector<SbgCohort> data = {counts(kHighEnd, 7)};
  const SbgFit fit = fit_sbg(data);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.alpha, 0.668, 5e-4);
  EXPECT_NEAR(fit.beta, 3.806, 5e-4);
  EXPECT_NEAR(fit.log_likelihood, -1611.2, 0.1);
  EXPECT_NEAR(sbg_log_likelihood(1.0, 1.0, data), -2115.5, 0.1);
  EXPECT_DOUBLE_EQ(sbg_log_likelihood(fit.alpha, fit.beta, data), fit.log_likelihood);
}

// The point of the paper: seven years of data project years 8-12 well.
// With the paper's own parameters Regular stays within 0.31 points, while
// High End falls behind by a growing gap, reaching 1.60 points at year 12
// (37.80 vs 39.4), so each segment gets a bound just above what it does.
TEST(SbgFit, ProjectsHeldOutYears) {
  const struct {
    const std::vector<double>* table;
    double points;
  } cases[] = {{&kRegular, 0.5}, {&kHighEnd, 1.7}};
  for (const auto& c : cases) {
    const SbgFit fit = fit_sbg({counts(*c.table, 7)});
    const std::vector<double> s = sbg_survival(fit.alpha, fit.beta, 12);
    for (int t = 8; t <= 12; ++t) {
      SCOPED_TRACE("year " + std::to_string(t));
      EXPECT_NEAR(100.0 * s[t], (*c.table)[t], c.points);
    }
  }
}

// The likelihood as the brief states it, from the survival curve alone.
TEST(SbgFit, LogLikelihoodMatchesDefinition) {
  const SbgCohort c = counts(kRegular, 7);
  const double alpha = 0.9, beta = 2.3;
  const std::vector<double> s = sbg_survival(alpha, beta, 7);
  double expected = c.active[7] * std::log(s[7]);
  for (int t = 1; t <= 7; ++t)
    expected += (c.active[t - 1] - c.active[t]) * std::log(s[t - 1] - s[t]);
  EXPECT_NEAR(sbg_log_likelihood(alpha, beta, {c}), expected, 1e-9);
}

// A later cohort seen for only 4 periods, exact from the High End estimates
// with 1e6 customers, dominates the 1,000-customer cohort; both carry the
// same parameters, so the joint fit must land on them.
TEST(SbgFit, TwoCohortsOfDifferentLengths) {
  const double alpha = 0.668, beta = 3.806;
  SbgCohort late;
  for (double s : sbg_survival(alpha, beta, 4)) late.active.push_back(1e6 * s);
  const SbgFit fit = fit_sbg({counts(kHighEnd, 7), late});
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.alpha, alpha, 1e-3);
  EXPECT_NEAR(fit.beta, beta, 1e-3);
  // The exact cohort alone has its maximum exactly there.
  const SbgFit alone = fit_sbg({late});
  EXPECT_NEAR(alone.alpha, alpha, 1e-6);
  EXPECT_NEAR(alone.beta, beta, 1e-6);
}

// Standard errors against the inverse of a central-difference Hessian of the
// public log-likelihood, which shares nothing with the analytic derivatives.
TEST(SbgFit, StandardErrorsMatchFiniteDifferences) {
  const std::vector<SbgCohort> data = {counts(kHighEnd, 7)};
  const SbgFit fit = fit_sbg(data);
  ASSERT_TRUE(std::isfinite(fit.alpha_se) && fit.alpha_se > 0);
  ASSERT_TRUE(std::isfinite(fit.beta_se) && fit.beta_se > 0);
  const double p[2] = {fit.alpha, fit.beta};
  const double h[2] = {1e-3 * fit.alpha, 1e-3 * fit.beta};
  auto ll = [&](int i, double di, int j, double dj) {
    double q[2] = {p[0], p[1]};
    q[i] += di;
    q[j] += dj;
    return sbg_log_likelihood(q[0], q[1], data);
  };
  Eigen::Matrix2d hess;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      hess(i, j) = (ll(i, h[i], j, h[j]) - ll(i, h[i], j, -h[j]) -
                    ll(i, -h[i], j, h[j]) + ll(i, -h[i], j, -h[j])) /
                   (4 * h[i] * h[j]);
  const Eigen::Matrix2d cov = (-hess).inverse();
  EXPECT_NEAR(fit.alpha_se, std::sqrt(cov(0, 0)), 0.01 * fit.alpha_se);
  EXPECT_NEAR(fit.beta_se, std::sqrt(cov(1, 1)), 0.01 * fit.beta_se);
  // The Regular fit's too.
  const SbgFit regular = fit_sbg({counts(kRegular, 7)});
  EXPECT_TRUE(std::isfinite(regular.alpha_se) && regular.alpha_se > 0);
  EXPECT_TRUE(std::isfinite(regular.beta_se) && regular.beta_se > 0);
}

TEST(SbgFit, SurvivalRecursion) {
  const std::vector<double> s = sbg_survival(1.0, 1.0, 5);  // S(t) = 1/(t+1)
  ASSERT_EQ(s.size(), 6u);
  for (int t = 0; t <= 5; ++t) EXPECT_DOUBLE_EQ(s[t], 1.0 / (t + 1));
  EXPECT_EQ(sbg_survival(0.5, 2.0, 0), std::vector<double>{1.0});
  EXPECT_THROW(sbg_survival(0.0, 1.0, 3), std::invalid_argument);
  EXPECT_THROW(sbg_survival(1.0, 1.0, -1), std::invalid_argument);
}

TEST(SbgFit, DiscountedExpectedLifetime) {
  // alpha = beta = 1: sum x^t / (t + 1) = -ln(1 - x) / x, x = 1 / (1 + d).
  for (double d : {0.1, 0.01, 0.001}) {
    const double x = 1.0 / (1.0 + d);
    EXPECT_NEAR(sbg_discounted_expected_lifetime(1.0, 1.0, d),
                -std::log1p(-x) / x, 1e-12 * (-std::log1p(-x) / x));
  }
  // The paper's closed form, 2F1(1, beta; alpha + beta; 1 / (1 + d)).
  const double alpha = 0.668, beta = 3.806, d = 0.1;
  const double closed = boost::math::hypergeometric_pFq(
      {1.0, beta}, {alpha + beta}, 1.0 / (1.0 + d));
  EXPECT_NEAR(sbg_discounted_expected_lifetime(alpha, beta, d), closed, 1e-10 * closed);
  EXPECT_THROW(sbg_discounted_expected_lifetime(1.0, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(sbg_discounted_expected_lifetime(-1.0, 1.0, 0.1), std::invalid_argument);
}

// DERL against Fader & Hardie's (2010) closed form
//   (beta + n - 1) / (alpha + beta + n - 1) 2F1(1, beta + n; alpha + beta + n; 1/(1 + d)),
// against its definition as a sum over S(t) / S(n - 1), and the identity
// DEL = 1 + DERL(1) / (1 + d).
TEST(SbgFit, DiscountedExpectedResidualLifetime) {
  const struct {
    double alpha, beta, d;
  } cases[] = {{0.668, 3.806, 0.1}, {0.704, 1.182, 0.1}, {2.0, 60.0, 0.008},
               {1.0, 1.0, 0.05}};
  for (const auto& c : cases) {
    for (int n : {1, 2, 3, 5, 10, 40}) {
      SCOPED_TRACE("alpha " + std::to_string(c.alpha) + " beta " +
                   std::to_string(c.beta) + " n " + std::to_string(n));
      const double derl =
          sbg_discounted_expected_residual_lifetime(c.alpha, c.beta, c.d, n);
      const double closed =
          (c.beta + n - 1) / (c.alpha + c.beta + n - 1) *
          boost::math::hypergeometric_pFq({1.0, c.beta + n},
                                          {c.alpha + c.beta + n},
                                          1.0 / (1.0 + c.d));
      EXPECT_NEAR(derl, closed, 1e-10 * closed);
      // The definition, summed far enough that the tail is below 1e-13.
      const int periods = n + static_cast<int>(40.0 / std::log1p(c.d));
      const std::vector<double> s = sbg_survival(c.alpha, c.beta, periods);
      double sum = 0.0;
      for (int t = periods; t >= n; --t)
        sum += s[t] / s[n - 1] * std::pow(1.0 + c.d, -(t - n));
      EXPECT_NEAR(derl, sum, 1e-10 * sum);
    }
    const double del = sbg_discounted_expected_lifetime(c.alpha, c.beta, c.d);
    const double derl1 =
        sbg_discounted_expected_residual_lifetime(c.alpha, c.beta, c.d, 1);
    EXPECT_NEAR(del, 1.0 + derl1 / (1.0 + c.d), 1e-13 * del);
  }
  // With heterogeneity the customers still there are the loyal ones, so
  // DERL rises with n; alpha = beta = 1 at d = 0.1, n = 1: the series
  // sum_{k>=0} x^k / (k + 2) = (-ln(1 - x) - x) / x^2, x = 1/1.1.
  const double x = 1.0 / 1.1;
  EXPECT_NEAR(sbg_discounted_expected_residual_lifetime(1.0, 1.0, 0.1, 1),
              (-std::log1p(-x) - x) / (x * x), 1e-12);
  EXPECT_LT(sbg_discounted_expected_residual_lifetime(0.668, 3.806, 0.1, 2),
            sbg_discounted_expected_residual_lifetime(0.668, 3.806, 0.1, 3));
  EXPECT_THROW(sbg_discounted_expected_residual_lifetime(1.0, 1.0, 0.1, 0),
               std::invalid_argument);
  EXPECT_THROW(sbg_discounted_expected_residual_lifetime(1.0, 1.0, 0.0, 1),
               std::invalid_argument);
  EXPECT_THROW(sbg_discounted_expected_residual_lifetime(1.0, -1.0, 0.1, 1),
               std::invalid_argument);
  EXPECT_THROW(sbg_discounted_expected_residual_lifetime(
                   std::numeric_limits<double>::infinity(), 1.0, 0.1, 1),
               std::invalid_argument);
}

// The round trip: survival simulated by clvsim from known alpha, beta is
// fitted back within a few standard errors. Two replications of a cohort of
// 40,000 are two independent cohorts with the same parameters, so their
// summed counts (twice the mean, exact for whole numbers) are the counts of
// one cohort of 80,000. A bias in the engine's Beta draws or lifeline churn
// would show here.
TEST(SbgFit, RecoversParametersFromClvsimsOwnSimulation) {
  constexpr double kAlpha = 0.9, kBeta = 3.5;
  Scenario s = testing::single_segment(
      "fit", testing::sbg_segment(40000, kAlpha, kBeta, 10.0), 24, 2, 20241122);
  const Results r = run_simulation(s, {.threads = 2});
  SbgCohort cohort;
  for (const PeriodSummary& p : r.strategies[0].periods[0]) cohort.active.push_back(2.0 * p.active.mean);
  const SbgFit fit = fit_sbg({cohort});
  ASSERT_TRUE(fit.converged);
  EXPECT_NEAR(fit.alpha, kAlpha, 4.0 * fit.alpha_se) << "se " << fit.alpha_se;
  EXPECT_NEAR(fit.beta, kBeta, 4.0 * fit.beta_se) << "se " << fit.beta_se;
  // The standard errors are small enough for this to mean something.
  EXPECT_LT(fit.alpha_se, 0.1 * kAlpha);
  EXPECT_LT(fit.beta_se, 0.1 * kBeta);
}

TEST(SbgFit, BadInputsThrow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<SbgCohort>> bad = {
      {},                                  // no cohorts
      {SbgCohort{}},                       // empty cohort
      {SbgCohort{{1000}}},                 // starters only
      {SbgCohort{{1000, 800, 850}}},       // active increasing
      {SbgCohort{{1000, 1200}}},           // more survivors than starters
      {SbgCohort{{1000, nan, 500}}},       // NaN
      {SbgCohort{{1000, 500, -1}}},        // negative
      {SbgCohort{{0, 0, 0}}},              // no starters
      {counts(kHighEnd, 7), SbgCohort{{1000, 900, 950}}},  // second cohort bad
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    EXPECT_THROW(fit_sbg(bad[i]), std::invalid_argument);
  }
  try {
    fit_sbg({SbgCohort{{1000, 800, 850}}});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cohort 0 period 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace clvsim
