// Samplers for the model's distributions, chosen by measurement
// (bench/bench_samplers.cpp; figures in the README).
//
// - Normal: a ziggurat whose fast path vectorises (normal_ziggurat.hpp).
// - Gamma: Marsaglia & Tsang (2000) on that normal. Boost's
//   gamma_distribution costs ~10x more per draw, and one gamma draw per
//   active customer-period is the engine's hot spot.
// - Beta: ratio of two of those gammas, in log space when a shape is below
//   0.06 so tiny shapes cannot underflow to 0/0.
// - Poisson (acquisition counts, a few per period): Boost.Random.
//
// Every sampler is exact in distribution: rejections restart the same
// procedure with fresh words, never a different method.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "normal_ziggurat.hpp"
#include "random_stream.hpp"

namespace clvsim {

// Gamma(shape, 1) by Marsaglia & Tsang (2000).
//
// An attempt takes three 32-bit words: the normal's value and layer (see
// normal_ziggurat.hpp) and the acceptance uniform. try_fast() is the common
// case (ziggurat fast path, then Marsaglia-Tsang's squeeze or polynomial
// bounds on their log test: ~98% of draws at shape 2) as straight-line code
// that vectorises over many customers;
// finish() takes the same words through the full exact procedure, drawing
// anything more from `extra`. A draw is therefore the same number whichever
// path computes it.
class GammaSampler {
 public:
  explicit GammaSampler(double shape);

  double shape() const { return shape_; }

  // True when draws need the shape < 1 boost: Gamma(shape + 1) * U^(1/shape).
  bool boosted() const { return boosted_; }

  // Marsaglia-Tsang for shape >= 1 (or shape + 1 when boosted), first
  // attempt only: true, with *g set, when the ziggurat's fast path and the
  // squeeze settle it.
  bool try_fast(std::uint32_t value_word, std::uint32_t layer_word,
                std::uint32_t uniform_word, double* g) const {
    unsigned char ok;
    try_fast_many(&value_word, &layer_word, &uniform_word, 1, g, &ok);
    return ok != 0;
  }

  // try_fast() for `count` draws from word arrays, written so the compiler
  // vectorises it: ok[i] = 1 where g[i] is settled. The ziggurat step is
  // ziggurat_fast() spelled out over arrays.
  void try_fast_many(const std::uint32_t* __restrict__ value_words,
                     const std::uint32_t* __restrict__ layer_words,
                     const std::uint32_t* __restrict__ uniform_words, int count,
                     double* __restrict__ g, unsigned char* __restrict__ ok) const {
    const double* __restrict__ width = tables_->w;
    const std::uint32_t* __restrict__ limit = tables_->k;
    for (int n = 0; n < count; ++n) {
      const auto j = static_cast<std::int32_t>(value_words[n]);
      const std::uint32_t i = layer_words[n] & (ZigguratTables::kLayers - 1);
      const std::uint32_t magnitude =
          j < 0 ? 0u - static_cast<std::uint32_t>(j) : static_cast<std::uint32_t>(j);
      const double x = static_cast<double>(j) * width[i];
      const double v = 1.0 + c_ * x;
      const double v3 = v * v * v;
      const double x2 = x * x;
      const double u = (static_cast<double>(uniform_words[n]) + 0.5) * 0x1p-32;
      g[n] = d_ * v3;
      // Marsaglia and Tsang's squeeze leaves ~10% of draws to the log test
      // in finish(); bounds_accept() settles almost all of those here.
      const bool squeeze = u < 1.0 - 0.0331 * x2 * x2;
      ok[n] = static_cast<unsigned char>((magnitude < limit[i]) & (v > 0.0) &
                                         (squeeze | bounds_accept(c_ * x, u)));
    }
  }

  // The same attempt and any further ones through the exact procedure.
  template <class Engine>
  double finish(std::uint32_t value_word, std::uint32_t layer_word,
                std::uint32_t uniform_word, Engine& extra) const {
    double x;
    if (!ziggurat_fast(*tables_, value_word, layer_word, &x)) {
      x = ziggurat_slow(*tables_, value_word, layer_word, extra);
    }
    double u = uniform_open(uniform_word);
    for (;;) {
      const double v = 1.0 + c_ * x;
      if (v > 0.0) {
        const double v3 = v * v * v;
        const double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2 ||
            std::log(u) < 0.5 * x2 + d_ * (1.0 - v3 + std::log(v3))) {
          return d_ * v3;
        }
        u = next_uniform(extra);
      }
      x = ziggurat_normal(*tables_, extra);
    }
  }

  // Applies the shape < 1 boost to a draw of try_fast()/finish().
  template <class Engine>
  double boost(double g, Engine& extra) const {
    return boosted_ ? g * std::pow(next_uniform(extra), inv_shape_) : g;
  }

  // A draw from three words, then `extra`.
  template <class Engine>
  double operator()(std::uint32_t value_word, std::uint32_t layer_word,
                    std::uint32_t uniform_word, Engine& extra) const {
    double g;
    if (!try_fast(value_word, layer_word, uniform_word, &g)) {
      g = finish(value_word, layer_word, uniform_word, extra);
    }
    return boost(g, extra);
  }

  // A draw from `engine` only.
  template <class Engine>
  double operator()(Engine& engine) const {
    const std::uint64_t normal = engine();
    const auto uniform = static_cast<std::uint32_t>(engine() >> 32);
    return (*this)(static_cast<std::uint32_t>(normal),
                   static_cast<std::uint32_t>(normal >> 32), uniform, engine);
  }

  // log of a draw, finite even when the draw would underflow (shape << 1).
  template <class Engine>
  double log_draw(Engine& engine) const {
    const std::uint64_t normal = engine();
    const auto uniform = static_cast<std::uint32_t>(engine() >> 32);
    double g;
    if (!try_fast(static_cast<std::uint32_t>(normal),
                  static_cast<std::uint32_t>(normal >> 32), uniform, &g)) {
      g = finish(static_cast<std::uint32_t>(normal),
                 static_cast<std::uint32_t>(normal >> 32), uniform, engine);
    }
    if (!boosted_) return std::log(g);
    return std::log(g) + std::log(next_uniform(engine)) * inv_shape_;
  }

 private:
  // A sufficient condition for the exact test ln u < 0.5 x^2 + d (1 - v^3 +
  // ln v^3), v = 1 + y, y = c x, from polynomial bounds, so it vectorises:
  // with d = 1/(9 c^2) the right side is 3 d R(y), R(y) = ln(1+y) - y +
  // y^2/2 - y^3/3 = -y^4/4 + y^5/5 - ..., and
  //   R(y) >= -y^4/4 + y^5/5 - y^6/6            for y >= 0 (derivative y^6/(1+y) >= 0),
  //   R(y) >= -y^4/4 + y^5/5 - y^6/(6 (1+y))    for -1 < y < 0 (tail of -sum z^k/k, z = -y),
  //   ln u <= z - z^2/2 + z^3/3,  z = u - 1 in (-1, 0)  (every dropped term is negative).
  // The margin covers rounding here and in finish()'s own cancellation-prone
  // sum (and 9 d c^2 != 1 in floating point), so every draw accepted here is
  // accepted there too, with the same value: results are the same bits as
  // with the squeeze alone. REQUIRES v > 0 for a meaningful answer (callers
  // and it with v > 0); any y is safe to evaluate.
  bool bounds_accept(double y, double u) const {
    const double y2 = y * y;
    const double y4 = y2 * y2;
    const double tail = y < 0.0 ? std::max(1.0 + y, 0x1p-60) : 1.0;
    const double r_low = -0.25 * y4 + 0.2 * (y4 * y) - (y4 * y2) / (6.0 * tail);
    const double z = u - 1.0;
    const double ln_u_high = z - 0.5 * (z * z) + (z * z * z) * (1.0 / 3.0);
    return ln_u_high < 3.0 * d_ * r_low - 1e-12 * (1.0 + d_);
  }

  template <class Engine>
  static double next_uniform(Engine& engine) {
    return uniform_open(static_cast<std::uint64_t>(engine()));
  }

  const ZigguratTables* tables_;
  double shape_;
  bool boosted_;  // shape < 1: draw Gamma(shape + 1) * U^(1/shape)
  double inv_shape_;
  double d_;      // Marsaglia-Tsang d = a - 1/3 for a = shape (or shape + 1)
  double c_;      // 1 / sqrt(9 d)
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
      return from_gammas(x, y);
    }
    const double lx = alpha_.log_draw(engine);
    const double ly = beta_.log_draw(engine);
    return 1.0 / (1.0 + std::exp(ly - lx));
  }

  // The parts of a draw, for callers that make many at once: unless in log
  // space, a draw is from_gammas(alpha draw, beta draw), in that order.
  bool log_space() const { return log_space_; }
  const GammaSampler& alpha_gamma() const { return alpha_; }
  const GammaSampler& beta_gamma() const { return beta_; }
  static double from_gammas(double x, double y) { return x / (x + y); }

 private:
  GammaSampler alpha_;
  GammaSampler beta_;
  bool log_space_;
};

// A Poisson(mean) count from a keyed stream (Boost.Random).
std::uint64_t poisson_count(double mean, WordEngine& engine);

}  // namespace clvsim
