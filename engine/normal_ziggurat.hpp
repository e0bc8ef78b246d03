// Standard normal draws by the ziggurat of Marsaglia & Tsang (2000), taking
// its value and its layer from separate random words.
//
// Why not Boost's normal_distribution (used before): Boost's fast path is
// scalar code over a 64-bit word. This one's fast path is a table look-up,
// a multiply and a compare on 32-bit words, which the compiler vectorises
// across customers (GammaSampler::try_fast_many); the slow path (2.8% of
// draws) is the original exact wedge-and-tail procedure. Taking the layer
// from a different word than the value avoids the known correlation of the
// original single-word version.
#pragma once

#include <cmath>
#include <cstdint>

namespace clvsim {

struct ZigguratTables {
  static constexpr int kLayers = 128;
  static constexpr double kTail = 3.442619855899;  // r: start of the tail
  std::uint32_t k[kLayers];  // |j| < k[i] accepts x = j * w[i] at once
  double w[kLayers];         // layer width / 2^31
  double f[kLayers];         // density exp(-x_i^2 / 2) at the layer edge

  ZigguratTables();
  static const ZigguratTables& get();
};

// The fast path: x from a signed 32-bit value word and a layer word.
// Returns false (x unset) when the slow path must decide.
inline bool ziggurat_fast(const ZigguratTables& z, std::uint32_t value_word,
                          std::uint32_t layer_word, double* x) {
  const auto j = static_cast<std::int32_t>(value_word);
  const std::uint32_t i = layer_word & (ZigguratTables::kLayers - 1);
  // |j| as unsigned; INT32_MIN maps to 2^31, beyond every k[i].
  const std::uint32_t magnitude =
      j < 0 ? 0u - static_cast<std::uint32_t>(j) : static_cast<std::uint32_t>(j);
  *x = static_cast<double>(j) * z.w[i];
  return magnitude < z.k[i];
}

// The exact slow path from a rejected (value, layer) pair; further words
// come from `engine` (64-bit words: value in the low half, layer above).
template <class Engine>
double ziggurat_slow(const ZigguratTables& z, std::uint32_t value_word,
                     std::uint32_t layer_word, Engine& engine) {
  auto uniform = [&engine] {
    return (static_cast<double>(engine() >> 12) + 0.5) * 0x1p-52;
  };
  for (;;) {
    const auto j = static_cast<std::int32_t>(value_word);
    const std::uint32_t i = layer_word & (ZigguratTables::kLayers - 1);
    const double x = static_cast<double>(j) * z.w[i];
    if (i == 0) {  // the base strip's tail beyond r: Marsaglia's method
      double tx, ty;
      do {
        tx = -std::log(uniform()) / ZigguratTables::kTail;
        ty = -std::log(uniform());
      } while (ty + ty < tx * tx);
      return j > 0 ? ZigguratTables::kTail + tx : -ZigguratTables::kTail - tx;
    }
    if (z.f[i] + uniform() * (z.f[i - 1] - z.f[i]) < std::exp(-0.5 * x * x)) {
      return x;
    }
    const std::uint64_t word = engine();
    value_word = static_cast<std::uint32_t>(word);
    layer_word = static_cast<std::uint32_t>(word >> 32);
    double y;
    if (ziggurat_fast(z, value_word, layer_word, &y)) return y;
  }
}

// A normal draw from `engine` alone.
template <class Engine>
double ziggurat_normal(const ZigguratTables& z, Engine& engine) {
  const std::uint64_t word = engine();
  const auto value_word = static_cast<std::uint32_t>(word);
  const auto layer_word = static_cast<std::uint32_t>(word >> 32);
  double x;
  if (ziggurat_fast(z, value_word, layer_word, &x)) return x;
  return ziggurat_slow(z, value_word, layer_word, engine);
}

}  // namespace clvsim
