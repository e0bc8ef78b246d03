// Mean and variance of a stream of values, without a sum of squares that can
// cancel to a negative variance: Welford's update, Chan et al.'s merge. The
// reported mean is the plain sum over n, which is as accurate for the few
// hundred replications a run has and exact where the values are integers.
#pragma once

#include <cmath>
#include <limits>

namespace clvsim {

class RunningStat {
 public:
  void add(double x) {
    sum_ += x;
    n_ += 1.0;
    const double delta = x - mean_;
    mean_ += delta / n_;
    m2_ += delta * (x - mean_);
  }

  void merge(const RunningStat& other) {
    if (other.n_ == 0) return;
    const double n = n_ + other.n_;
    const double delta = other.mean_ - mean_;
    mean_ += delta * (other.n_ / n);
    sum_ += other.sum_;
    m2_ += other.m2_ + delta * delta * (n_ * other.n_ / n);
    n_ = n;
  }

  // The four numbers that are the whole state, for checkpoints: restoring
  // them continues the stream bit for bit.
  template <typename Visit>
  void visit_state(Visit&& visit) {
    visit(n_);
    visit(mean_);
    visit(m2_);
    visit(sum_);
  }

  double count() const { return n_; }
  // The plain sum over n: exact for integer counts, where Welford's running
  // mean would show rounding (36784.87499999999 for 36784.875).
  double mean() const { return n_ > 0 ? sum_ / n_ : 0.0; }
  // Sample variance; NaN with fewer than two values.
  double variance() const {
    return n_ < 2 ? std::numeric_limits<double>::quiet_NaN() : m2_ / (n_ - 1.0);
  }
  // Standard error of the mean, sd / sqrt(n).
  double standard_error() const { return std::sqrt(variance() / n_); }

 private:
  double n_ = 0.0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double sum_ = 0.0;
};

}  // namespace clvsim
