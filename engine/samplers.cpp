#include "samplers.hpp"

#include <boost/random/poisson_distribution.hpp>

namespace clvsim {

GammaSampler::GammaSampler(double shape)
    : shape_(shape), boosted_(shape < 1.0), inv_shape_(1.0 / shape) {
  const double a = boosted_ ? shape + 1.0 : shape;
  d_ = a - 1.0 / 3.0;
  c_ = 1.0 / std::sqrt(9.0 * d_);
}

BetaSampler::BetaSampler(double alpha, double beta)
    : alpha_(alpha), beta_(beta), log_space_(alpha < 1.0 || beta < 1.0) {}

std::uint64_t poisson_count(double mean, WordEngine& engine) {
  if (mean <= 0.0) return 0;
  boost::random::poisson_distribution<std::int64_t, double> poisson(mean);
  return static_cast<std::uint64_t>(poisson(engine));
}

}  // namespace clvsim
