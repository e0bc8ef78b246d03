// Maximum-likelihood fit of the shifted-beta-geometric (sBG) churn model to
// observed survival, after Fader & Hardie, "How to Project Customer
// Retention", Journal of Interactive Marketing 21(1), 2007.
//
// Each customer churns at the end of any period with probability theta,
// fixed for that customer, and theta ~ Beta(alpha, beta) across customers:
//   P(T = 1) = alpha / (alpha + beta)
//   P(T = t) = P(T = t - 1) * (beta + t - 2) / (alpha + beta + t - 1)
//   S(0) = 1,  S(t) = S(t - 1) * (beta + t - 1) / (alpha + beta + t - 1)
// A cohort observed for K periods contributes
//   sum_{t=1..K} (n_{t-1} - n_t) ln P(T = t) + n_K ln S(K)
// and cohorts are independent, so their log-likelihoods add.
//
// This is how a scenario's sBG segment (see SegmentPlan::beta) gets its
// alpha and beta from a retention table rather than by hand.
#pragma once

#include <vector>

namespace clvsim {

// One cohort's survival: active[0] is the number of starters and active[t]
// the number still active after period t. Counts may be fractional (e.g.
// percents of the cohort times its size); only their ratios and weights
// matter to the likelihood.
struct SbgCohort {
  std::vector<double> active;
};

struct SbgFit {
  double alpha = 0.0;
  double beta = 0.0;
  // Asymptotic standard errors: square roots of the diagonal of the inverse
  // observed information (minus the Hessian of the log-likelihood in alpha,
  // beta) at the estimate. NaN when that matrix is not positive definite.
  double alpha_se = 0.0;
  double beta_se = 0.0;
  double log_likelihood = 0.0;
  int iterations = 0;  // Newton iterations taken
  // False when the iteration limit was reached or the search ran off to the
  // boundary (e.g. nobody ever churned, so beta runs off to infinity); the
  // other fields then hold the last iterate. True does not mean identified:
  // data with no heterogeneity (pure geometric) flatten out towards
  // alpha, beta -> infinity at a fixed ratio, and a single period fixes only
  // alpha / (alpha + beta); check the standard errors (NaN or huge there).
  bool converged = false;
};

// The sBG log-likelihood of `cohorts` at (alpha, beta), including the
// constant-free multinomial terms only (no log binomial coefficients), so
// values compare directly with Fader & Hardie's.
//
// REQUIRES: alpha > 0, beta > 0, and cohorts valid as for fit_sbg (not
// checked here: this is the inner loop of callers' own searches).
double sbg_log_likelihood(double alpha, double beta,
                          const std::vector<SbgCohort>& cohorts);

// Maximum-likelihood (alpha, beta) for `cohorts`. Cohorts may have
// different lengths, as when cohorts that started later have been observed
// for fewer periods.
//
// Throws std::invalid_argument, naming the cohort and period, when there are
// no cohorts, a cohort has fewer than 2 points (starters plus at least one
// period), a count is negative, NaN or infinite, a cohort has no starters, or
// a count exceeds the one before it (active customers never come back).
SbgFit fit_sbg(const std::vector<SbgCohort>& cohorts);

// S(0), S(1), ..., S(periods): periods + 1 values starting at 1.
//
// REQUIRES: alpha > 0, beta > 0, periods >= 0 (else std::invalid_argument).
std::vector<double> sbg_survival(double alpha, double beta, int periods);

// Discounted expected lifetime of a customer just acquired,
//   DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1/(1 + d))
// in periods; multiply by a per-period margin for a value.
//
// REQUIRES: alpha > 0, beta > 0, discount_rate > 0 and finite (else
// std::invalid_argument): without discounting the sum diverges for
// alpha <= 1.
double sbg_discounted_expected_lifetime(double alpha, double beta,
                                        double discount_rate);

// Discounted expected residual lifetime of a customer who has been active
// for n periods (0..n-1) and is about to make the churn decision at the end
// of period n-1, after Fader & Hardie, "Customer-Base Valuation in a
// Contractual Setting" (J. Interactive Marketing 24(1), 2010):
//   DERL(n) = sum_{t>=n} S(t) / S(n - 1) / (1 + d)^(t - n)
//           = (beta + n - 1) / (alpha + beta + n - 1)
//             * 2F1(1, beta + n; alpha + beta + n; 1/(1 + d))
// in periods, the first of them (period n, if the customer stays) counted
// in full. DEL = 1 + DERL(1) / (1 + d). DERL rises with n as the customers
// likely to churn leave.
//
// REQUIRES: alpha > 0, beta > 0, discount_rate > 0, all finite, and n >= 1
// (else std::invalid_argument).
double sbg_discounted_expected_residual_lifetime(double alpha, double beta,
                                                 double discount_rate, int n);

}  // namespace clvsim
