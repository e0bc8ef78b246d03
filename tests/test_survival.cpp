// Survival of the initial cohort against its closed forms:
//   geometric churn p:  S(t) = (1 - p)^t
//   sBG(alpha, beta):   S(t) = B(alpha, beta + t) / B(alpha, beta)
// Customers are independent, so a replication's active count is
// Binomial(N, S(t)) and the standard error of the mean survival over R
// replications is sqrt(S (1 - S) / (N R)). Each test checks the estimate
// within 4.5 standard errors (fixed seeds: never flaky) and that the
// reported standard error is within 15% of that theory, so a broken sampler
// with a huge error cannot pass.
#include <gtest/gtest.h>

#include <boost/math/special_functions/beta.hpp>
#include <cmath>

#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

constexpr double kSigmas = 4.5;

void expect_survival_matches(const Results& results, int customers,
                             int replications, auto exact_survival) {
  const auto& periods = results.strategies[0].periods[0];
  for (std::size_t t = 0; t < periods.size(); ++t) {
    const double s = exact_survival(static_cast<int>(t));
    const double theory_se = std::sqrt(s * (1 - s) / customers / replications);
    const Estimate& est = periods[t].survival;
    SCOPED_TRACE("period " + std::to_string(t));
    if (t == 0) {
      EXPECT_EQ(est.mean, 1.0);  // everyone is active in period 0
      EXPECT_EQ(est.se, 0.0);
      continue;
    }
    EXPECT_NEAR(est.mean, s, kSigmas * theory_se);
    // The sample sd's relative error is 1/sqrt(2 (R - 1)); 5.5 of those keeps
    // the ~23 correlated checks per test from failing by chance (0.195 at R = 400).
    EXPECT_NEAR(est.se / theory_se, 1.0, 5.5 / std::sqrt(2.0 * (replications - 1)));
  }
}

TEST(Survival, GeometricMatchesPowerLaw) {
  const double p = 0.07;
  const int n = 2000, reps = 400;
  const Scenario sc = testing::single_segment(
      "geo", testing::geometric_segment(n, p, 10.0), 24, reps, 20120806);
  const Results r = run_simulation(sc, {.threads = 2});
  expect_survival_matches(r, n, reps, [&](int t) { return std::pow(1 - p, t); });
  const Estimate& end = r.strategies[0].segments[0].survival_end;
  EXPECT_NEAR(end.mean, std::pow(1 - p, 23), kSigmas * end.se);
}

double sbg_survival(double alpha, double beta, int t) {
  return std::exp(std::lgamma(beta + t) - std::lgamma(beta) +
                  std::lgamma(alpha + beta) - std::lgamma(alpha + beta + t));
}

TEST(Survival, SbgHighEndFit) {
  // Fader & Hardie (2007), "High End" cohort: alpha 0.668, beta 3.806.
  const double a = 0.668, b = 3.806;
  const int n = 2000, reps = 400;
  const Scenario sc = testing::single_segment(
      "high-end", testing::sbg_segment(n, a, b, 10.0), 13, reps, 7);
  const Results r = run_simulation(sc, {.threads = 2});
  expect_survival_matches(r, n, reps, [&](int t) { return sbg_survival(a, b, t); });
}

TEST(Survival, SbgRegularFit) {
  // Fader & Hardie (2007), "Regular" cohort: alpha 0.704, beta 1.182.
  const double a = 0.704, b = 1.182;
  const int n = 2000, reps = 400;
  const Scenario sc = testing::single_segment(
      "regular", testing::sbg_segment(n, a, b, 10.0), 13, reps, 11);
  const Results r = run_simulation(sc, {.threads = 2});
  expect_survival_matches(r, n, reps, [&](int t) { return sbg_survival(a, b, t); });
  // The published projection: 17.3% of the Regular cohort left in year 12.
  EXPECT_NEAR(r.strategies[0].periods[0][12].survival.mean, 0.173, 0.01);
}

TEST(Survival, SbgBetaFunctionFormMatchesLgammaForm) {
  // The test's own closed form, cross-checked against Boost's beta().
  for (int t : {1, 5, 12}) {
    const double viaBeta = boost::math::beta(0.668, 3.806 + t) / boost::math::beta(0.668, 3.806);
    EXPECT_NEAR(sbg_survival(0.668, 3.806, t), viaBeta, 1e-12);
  }
}

TEST(Survival, RetentionRisesUnderHeterogeneity) {
  // sBG: retention r(t) = (beta + t - 1) / (alpha + beta + t - 1) rises with t.
  const double a = 0.704, b = 1.182;
  const Scenario sc = testing::single_segment(
      "regular", testing::sbg_segment(20000, a, b, 1.0), 8, 64, 3);
  const Results r = run_simulation(sc, {.threads = 2});
  const auto& periods = r.strategies[0].periods[0];
  for (int t = 1; t < 8; ++t) {
    const double exact = (b + t - 1) / (a + b + t - 1);
    EXPECT_NEAR(*periods[t].retention, exact, 0.01) << "period " << t;
  }
}

}  // namespace
}  // namespace clvsim
