#include "samplers.hpp"

#include <algorithm>

#include <boost/random/poisson_distribution.hpp>

namespace clvsim {

GammaSampler::GammaSampler(double shape)
    : tables_(&ZigguratTables::get()),
      shape_(shape),
      boosted_(shape < 1.0),
      inv_shape_(1.0 / shape) {
  const double a = boosted_ ? shape + 1.0 : shape;
  d_ = a - 1.0 / 3.0;
  c_ = 1.0 / std::sqrt(9.0 * d_);
}

BetaSampler::BetaSampler(double alpha, double beta)
    : alpha_(alpha),
      beta_(beta),
      // Below this shape U^(1/shape) can underflow (U >= 2^-52, and
      // 2^(-52/0.06) is still a normal double); above it the direct ratio
      // is cheaper than logs.
      log_space_(std::min(alpha, beta) < 0.06) {}

std::uint64_t poisson_count(double mean, WordEngine& engine) {
  if (mean <= 0.0) return 0;
  boost::random::poisson_distribution<std::int64_t, double> poisson(mean);
  return static_cast<std::uint64_t>(poisson(engine));
}

}  // namespace clvsim

namespace clvsim {

// Marsaglia & Tsang's zigset for 128 layers, in double precision.
ZigguratTables::ZigguratTables() {
  const double m1 = 2147483648.0;  // 2^31
  const double vn = 9.91256303526217e-3;  // area of each layer
  double dn = kTail, tn = kTail;
  const double q = vn / std::exp(-0.5 * dn * dn);
  k[0] = static_cast<std::uint32_t>((dn / q) * m1);
  k[1] = 0;
  w[0] = q / m1;
  w[kLayers - 1] = dn / m1;
  f[0] = 1.0;
  f[kLayers - 1] = std::exp(-0.5 * dn * dn);
  for (int i = kLayers - 2; i >= 1; --i) {
    dn = std::sqrt(-2.0 * std::log(vn / dn + std::exp(-0.5 * dn * dn)));
    k[i + 1] = static_cast<std::uint32_t>((dn / tn) * m1);
    tn = dn;
    f[i] = std::exp(-0.5 * dn * dn);
    w[i] = dn / m1;
  }
}

const ZigguratTables& ZigguratTables::get() {
  static const ZigguratTables tables;
  return tables;
}

}  // namespace clvsim
