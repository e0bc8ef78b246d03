#include "clvsim/sbg_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace clvsim {
namespace {

// Log-likelihood with its gradient and Hessian in (alpha, beta).
struct Derivatives {
  double ll = 0.0;
  Eigen::Vector2d g = Eigen::Vector2d::Zero();
  Eigen::Matrix2d h = Eigen::Matrix2d::Zero();
};

// The likelihood and its derivatives by the model's own recursions rather
// than by lgamma/digamma/trigamma of shifted arguments: cohorts are a few
// dozen periods long, so O(K) sums cost nothing, and they avoid the
// cancellation in lgamma(beta + t) - lgamma(beta) once beta is large.
//   ln S(t) = sum_{j<t} ln((beta + j) / (s + j)),  s = alpha + beta
//   ln P(t) = ln S(t - 1) + ln alpha - ln(s + t - 1)
Derivatives evaluate(double alpha, double beta,
                     const std::vector<SbgCohort>& cohorts) {
  Derivatives d;
  const double s = alpha + beta;
  for (const SbgCohort& cohort : cohorts) {
    const std::vector<double>& n = cohort.active;
    // ln S(t-1) and its derivatives, carried along t.
    double ls = 0.0, ls_a = 0.0, ls_b = 0.0, ls_aa = 0.0, ls_bb = 0.0, ls_ab = 0.0;
    for (std::size_t t = 1; t < n.size(); ++t) {
      const double q = 1.0 / (s + static_cast<double>(t) - 1.0);
      const double churned = n[t - 1] - n[t];
      // Skipping empty terms keeps 0 * (-inf) out when a probability
      // underflows far from the optimum.
      if (churned > 0.0) {
        d.ll += churned * (ls + std::log(alpha) + std::log(q));
        d.g(0) += churned * (ls_a + 1.0 / alpha - q);
        d.g(1) += churned * (ls_b - q);
        d.h(0, 0) += churned * (ls_aa - 1.0 / (alpha * alpha) + q * q);
        d.h(1, 1) += churned * (ls_bb + q * q);
        d.h(0, 1) += churned * (ls_ab + q * q);
      }
      // Advance to ln S(t): log1p keeps the factor accurate near 1.
      const double r = 1.0 / (beta + static_cast<double>(t) - 1.0);
      ls -= std::log1p(alpha * r);
      ls_a -= q;
      ls_b += r - q;
      ls_aa += q * q;
      ls_bb += q * q - r * r;
      ls_ab += q * q;
    }
    const double survivors = n.back();
    if (survivors > 0.0) {
      d.ll += survivors * ls;
      d.g(0) += survivors * ls_a;
      d.g(1) += survivors * ls_b;
      d.h(0, 0) += survivors * ls_aa;
      d.h(1, 1) += survivors * ls_bb;
      d.h(0, 1) += survivors * ls_ab;
    }
  }
  d.h(1, 0) = d.h(0, 1);
  return d;
}

void validate(const std::vector<SbgCohort>& cohorts) {
  if (cohorts.empty()) throw std::invalid_argument("sBG fit: no cohorts");
  for (std::size_t c = 0; c < cohorts.size(); ++c) {
    const std::vector<double>& n = cohorts[c].active;
    const std::string where = "sBG fit: cohort " + std::to_string(c);
    if (n.size() < 2)
      throw std::invalid_argument(where +
                                  " has fewer than 2 points (starters plus at "
                                  "least one period)");
    for (std::size_t t = 0; t < n.size(); ++t) {
      const std::string at = where + " period " + std::to_string(t);
      if (!std::isfinite(n[t]))
        throw std::invalid_argument(at + ": count is not a finite number");
      if (n[t] < 0.0) throw std::invalid_argument(at + ": count is negative");
      if (t > 0 && n[t] > n[t - 1])
        throw std::invalid_argument(
            at + ": more active than in the period before (" +
            std::to_string(n[t]) + " > " + std::to_string(n[t - 1]) + ")");
    }
    if (n[0] <= 0.0) throw std::invalid_argument(where + " has no starters");
  }
}

// sum_{k>=0} a_k x^k with a_0 = first and a_k = a_{k-1} S(n+k)/S(n+k-1),
// x = 1 / (1 + d): the 2F1 series term by term (Boost 1.74 has no 2F1).
// The terms fall at least as fast as x^k, so the tail after a term is at
// most term * x / (1 - x): stop when that bound, not merely the term, is
// negligible, which matters for small d.
double discounted_survival_sum(double alpha, double beta, double discount_rate,
                               int n, double first) {
  const double x = 1.0 / (1.0 + discount_rate);
  const double tail_factor = 1.0 / discount_rate;  // x / (1 - x)
  double term = first, sum = first;
  for (double t = static_cast<double>(n) + 1.0; term * tail_factor > 1e-16 * sum;
       t += 1.0) {
    term *= x * (beta + t - 1.0) / (alpha + beta + t - 1.0);
    sum += term;
  }
  return sum;
}

constexpr int kMaxIterations = 200;
// Largest move of ln alpha or ln beta per iteration: far from the optimum a
// Newton step can overshoot to where every probability underflows.
constexpr double kMaxStep = 2.0;
// Beyond e^30 either way the maximum is on the boundary, not interior.
constexpr double kMaxLogParameter = 30.0;

}  // namespace

double sbg_log_likelihood(double alpha, double beta,
                          const std::vector<SbgCohort>& cohorts) {
  return evaluate(alpha, beta, cohorts).ll;
}

SbgFit fit_sbg(const std::vector<SbgCohort>& cohorts) {
  validate(cohorts);
  // Newton in x = (ln alpha, ln beta): no positivity constraint to enforce,
  // and the likelihood is much closer to quadratic there.
  Eigen::Vector2d x = Eigen::Vector2d::Zero();  // alpha = beta = 1
  Derivatives cur = evaluate(1.0, 1.0, cohorts);
  SbgFit fit;
  for (fit.iterations = 1; fit.iterations <= kMaxIterations; ++fit.iterations) {
    const Eigen::Vector2d p(std::exp(x(0)), std::exp(x(1)));
    // Chain rule: d/dx = p d/dp; d2/dx2 = p p' H + diag(p g).
    const Eigen::Vector2d gx = p.cwiseProduct(cur.g);
    Eigen::Matrix2d neg_hx = -(p.asDiagonal() * cur.h * p.asDiagonal());
    neg_hx.diagonal() -= gx;
    // Where the surface is not concave, add lambda I (Levenberg) until the
    // system is positive definite, so the step still goes uphill.
    double lambda = 0.0;
    Eigen::LLT<Eigen::Matrix2d> llt(neg_hx);
    while (llt.info() != Eigen::Success || !(llt.matrixLLT().diagonal().minCoeff() > 0)) {
      lambda = lambda == 0.0 ? 1e-6 * (1.0 + neg_hx.cwiseAbs().maxCoeff()) : lambda * 10.0;
      llt.compute(neg_hx + lambda * Eigen::Matrix2d::Identity());
    }
    Eigen::Vector2d step = llt.solve(gx);
    const bool pure_newton = lambda == 0.0 && step.cwiseAbs().maxCoeff() <= kMaxStep;
    if (!pure_newton && step.cwiseAbs().maxCoeff() > kMaxStep)
      step *= kMaxStep / step.cwiseAbs().maxCoeff();
    // Backtrack until the likelihood does not fall; the slack absorbs
    // rounding once steps are at the last few bits.
    const double slack = 1e-12 * (1.0 + std::abs(cur.ll));
    double scale = 1.0;
    Derivatives next;
    for (;;) {
      const Eigen::Vector2d trial = x + scale * step;
      next = evaluate(std::exp(trial(0)), std::exp(trial(1)), cohorts);
      if (std::isfinite(next.ll) && next.ll >= cur.ll - slack) break;
      scale *= 0.5;
      if (scale < 1e-12) break;
    }
    if (scale < 1e-12) break;  // no uphill move left: stalled, not converged
    x += scale * step;
    cur = next;
    if (pure_newton && scale == 1.0 && step.cwiseAbs().maxCoeff() < 1e-10) {
      fit.converged = true;
      break;
    }
    if (x.cwiseAbs().maxCoeff() > kMaxLogParameter) break;
  }
  fit.iterations = std::min(fit.iterations, kMaxIterations);
  fit.alpha = std::exp(x(0));
  fit.beta = std::exp(x(1));
  fit.log_likelihood = cur.ll;
  // Standard errors in (alpha, beta) itself, as the paper reports them.
  const Eigen::Matrix2d information = -cur.h;
  Eigen::LLT<Eigen::Matrix2d> llt(information);
  if (llt.info() == Eigen::Success && llt.matrixLLT().diagonal().minCoeff() > 0) {
    const Eigen::Matrix2d covariance = llt.solve(Eigen::Matrix2d::Identity());
    fit.alpha_se = std::sqrt(covariance(0, 0));
    fit.beta_se = std::sqrt(covariance(1, 1));
  } else {
    fit.alpha_se = fit.beta_se = std::nan("");
  }
  return fit;
}

std::vector<double> sbg_survival(double alpha, double beta, int periods) {
  if (!(alpha > 0.0) || !(beta > 0.0) || periods < 0)
    throw std::invalid_argument(
        "sbg_survival: needs alpha > 0, beta > 0 and periods >= 0");
  std::vector<double> s(static_cast<std::size_t>(periods) + 1, 1.0);
  for (int t = 1; t <= periods; ++t)
    s[t] = s[t - 1] * (beta + t - 1) / (alpha + beta + t - 1);
  return s;
}

double sbg_discounted_expected_lifetime(double alpha, double beta,
                                        double discount_rate) {
  if (!(alpha > 0.0) || !(beta > 0.0) || !(discount_rate > 0.0) ||
      !std::isfinite(discount_rate) || !std::isfinite(alpha) || !std::isfinite(beta))
    throw std::invalid_argument(
        "sbg_discounted_expected_lifetime: needs finite alpha > 0, beta > 0 "
        "and discount_rate > 0");
  return discounted_survival_sum(alpha, beta, discount_rate, 0, 1.0);
}

double sbg_discounted_expected_residual_lifetime(double alpha, double beta,
                                                 double discount_rate, int n) {
  if (!(alpha > 0.0) || !(beta > 0.0) || !(discount_rate > 0.0) ||
      !std::isfinite(discount_rate) || !std::isfinite(alpha) ||
      !std::isfinite(beta) || n < 1)
    throw std::invalid_argument(
        "sbg_discounted_expected_residual_lifetime: needs finite alpha > 0, "
        "beta > 0, discount_rate > 0 and n >= 1");
  // The first term, S(n) / S(n - 1), is the retention rate of period n.
  const double shift = static_cast<double>(n) - 1.0;
  return discounted_survival_sum(alpha, beta, discount_rate, n,
                                 (beta + shift) / (alpha + beta + shift));
}

}  // namespace clvsim
