// Samplers for the model's distributions, chosen by measurement
// (bench/bench_samplers.cpp; figures in the README).
//
// - Normal: Boost.Random's ziggurat, fed one 64-bit word per draw in its
//   fast path. Boost is fast here, so it stays.
// - Gamma: Marsaglia & Tsang (2000) on that normal. Boost's
//   gamma_distribution costs ~10x more per draw, and one gamma draw per
//   active customer-period is the engine's hot spot.
// - Beta: ratio of two of those gammas, in log space when a shape is below
//   1 so tiny shapes cannot underflow to 0/0.
// - Poisson (acquisition counts, a few per period): Boost.Random.
//
// Every sampler is exact in distribution: rejections restart the same
// procedure with fresh words, never a different method.
#pragma once

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>

#include "random_stream.hpp"

namespace clvsim {

// Gamma(shape, 1).
class GammaSampler {
 public:
  explicit GammaSampler(double shape);

  double shape() const { return shape_; }

  // A draw from `engine` only.
  template <class Engine>
  double operator()(Engine& engine) const {
    const double g = marsaglia_tsang(engine, next_uniform(engine));
    return boosted_ ? g * std::pow(next_uniform(engine), inv_shape_) : g;
  }

  // The hot path: the first attempt takes its normal from `normal_word` and
  // its acceptance uniform from `uniform_word`; anything more (ziggurat
  // tails, rejections, the shape < 1 boost) comes from `extra`.
  template <class Engine>
  double operator()(std::uint64_t normal_word, std::uint32_t uniform_word,
                    Engine& extra) const {
    PrimedEngine<Engine> primed{normal_word, &extra};
    const double g = marsaglia_tsang(primed, uniform_open(uniform_word));
    return boosted_ ? g * std::pow(next_uniform(extra), inv_shape_) : g;
  }

  // log of a draw, finite even when the draw would underflow (shape << 1).
  template <class Engine>
  double log_draw(Engine& engine) const {
    const double g = marsaglia_tsang(engine, next_uniform(engine));
    return boosted_ ? std::log(g) + std::log(next_uniform(engine)) * inv_shape_
                    : std::log(g);
  }

 private:
  // Serves one given word, then defers to another engine.
  template <class Engine>
  struct PrimedEngine {
    using result_type = std::uint64_t;
    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return ~result_type{0}; }
    result_type first;
    Engine* rest;
    bool used = false;
    result_type operator()() {
      if (!used) {
        used = true;
        return first;
      }
      return (*rest)();
    }
  };

  template <class Engine>
  static double next_uniform(Engine& engine) {
    return uniform_open(static_cast<std::uint64_t>(engine()));
  }

  // Marsaglia & Tsang for shape >= 1 (d = shape - 1/3, c = 1/sqrt(9d)); the
  // first attempt uses `u`, later attempts draw their own.
  template <class Engine>
  double marsaglia_tsang(Engine& engine, double u) const {
    for (;;) {
      double x, v;
      do {
        x = boost::random::detail::unit_normal_distribution<double>()(engine);
        v = 1.0 + c_ * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) return d_ * v;
      if (std::log(u) < 0.5 * x2 + d_ * (1.0 - v + std::log(v))) return d_ * v;
      u = next_uniform(engine);
    }
  }

  double shape_;
  bool boosted_;      // shape < 1: draw Gamma(shape + 1) * U^(1/shape)
  double inv_shape_;
  double d_;
  double c_;
};

// Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
class BetaSampler {
 public:
  BetaSampler(double alpha, double beta);

  template <class Engine>
  double operator()(Engine& engine) const {
    if (!log_space_) {
      const double x = alpha_(engine);
      const double y = beta_(engine);
      return x / (x + y);
    }
    const double lx = alpha_.log_draw(engine);
    const double ly = beta_.log_draw(engine);
    return 1.0 / (1.0 + std::exp(ly - lx));
  }

 private:
  GammaSampler alpha_;
  GammaSampler beta_;
  bool log_space_;
};

// A Poisson(mean) count from a keyed stream (Boost.Random).
std::uint64_t poisson_count(double mean, WordEngine& engine);

}  // namespace clvsim
