// Checks of Monte Carlo estimates against exact answers, shared by the
// statistical tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdint>

#include "clvsim/results.hpp"

namespace clvsim::testing {

// The Student-t multiple of the standard error for `checks` simultaneous
// checks over R replications, so that all of them together fail by chance
// once in 1e5 runs (Bonferroni).
inline double bonferroni_k(std::uint32_t replications, int checks) {
  return boost::math::quantile(boost::math::complement(
      boost::math::students_t_distribution<double>(replications - 1.0), 1e-5 / checks / 2));
}

// `estimate` within k standard errors of `exact`, plus 1e-7 relative for
// rounding (and quadrature) where the spread is zero.
inline void expect_within(const Estimate& estimate, double exact, double k, int period) {
  EXPECT_NEAR(estimate.mean, exact, k * estimate.se + 1e-7 * std::fabs(exact))
      << "t=" << period;
}

}  // namespace clvsim::testing
