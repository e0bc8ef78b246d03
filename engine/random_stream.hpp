// Counter-based random streams keyed by what is simulated, never by who
// simulates it.
//
// Every random word in clvsim is one output of Philox4x32-10 (Random123) at
// a distinct input:
//
//   key     = seed (64 bits)
//   counter = (customer, period, replication, segment:12 | purpose:4 | draw:16)
//
// so the numbers a customer meets depend only on (seed, replication,
// segment, customer, period, purpose), not on threads, ranks or the
// strategy being simulated (common random numbers across strategies). The
// map from tuple to Philox input is injective, so no two uses of the
// generator ever overlap. `draw` numbers successive 4-word blocks of one
// purpose, for samplers that need more words (rejections, tails).
#pragma once

#include <Random123/philox.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <cstdint>
#include <stdexcept>

namespace clvsim {

// What a block of random words is for. Adding a purpose never shifts the
// numbers of another.
enum class Purpose : std::uint32_t {
  kPeriod = 0,       // one block per active customer-period (draw 0 only)
  kPeriodExtra = 1,  // more words for that period's samplers (rejections)
  kSetup = 2,        // per-customer draws at acquisition: lifeline, theta, mu
  kAcquisition = 3,  // per-period count of new customers (customer = kCohortIndex)
};

// Customer index reserved for draws that belong to the whole cohort.
inline constexpr std::uint32_t kCohortIndex = 0xFFFFFFFFu;

class StreamKey {
 public:
  using Philox = r123::Philox4x32;
  using Block = Philox::ctr_type;

  StreamKey(std::uint64_t seed, std::uint32_t replication, std::uint32_t segment)
      : replication_(replication), segment_bits_(segment << 20) {
    key_ = {{static_cast<std::uint32_t>(seed),
             static_cast<std::uint32_t>(seed >> 32)}};
  }

  std::uint32_t replication() const { return replication_; }

  Block block(std::uint32_t customer, std::uint32_t period, Purpose purpose,
              std::uint32_t draw) const {
    Block ctr = {{customer, period, replication_, word3(purpose, draw)}};
    return Philox()(ctr, key_);
  }

  // The blocks of `count` customers for one (period, purpose, draw), as four
  // arrays of words: word k of customer i's block goes to out[k][i]. Equal
  // to calling block() for each (tested); with AVX-512 sixteen customers'
  // Philox rounds run in one set of registers, which the compiler does not
  // manage on its own for this loop (bench/bench_samplers.cpp).
  void blocks(const std::uint32_t* customers, int count, std::uint32_t period,
              Purpose purpose, std::uint32_t draw, std::uint32_t* const out[4]) const {
    int i = 0;
#if defined(__AVX512F__)
    const __m512i m0 = _mm512_set1_epi32(static_cast<int>(0xD2511F53u));
    const __m512i m1 = _mm512_set1_epi32(static_cast<int>(0xCD9E8D57u));
    const __m512i c1 = _mm512_set1_epi32(static_cast<int>(period));
    const __m512i c2 = _mm512_set1_epi32(static_cast<int>(replication_));
    const __m512i c3 = _mm512_set1_epi32(static_cast<int>(word3(purpose, draw)));
    for (; i < count; i += 16) {
      const __mmask16 lanes =
          count - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (count - i)) - 1);
      __m512i x0 = _mm512_maskz_loadu_epi32(lanes, customers + i);
      __m512i x1 = c1, x2 = c2, x3 = c3;
      std::uint32_t k0 = key_.v[0], k1 = key_.v[1];
      for (int round = 0; round < 10; ++round) {
        if (round > 0) {
          k0 += 0x9E3779B9u;  // Random123's Philox4x32 key schedule
          k1 += 0xBB67AE85u;
        }
        __m512i hi0, lo0, hi1, lo1;
        mul_hi_lo(x0, m0, &hi0, &lo0);
        mul_hi_lo(x2, m1, &hi1, &lo1);
        x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1),
                              _mm512_set1_epi32(static_cast<int>(k0)));
        x1 = lo1;
        x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3),
                              _mm512_set1_epi32(static_cast<int>(k1)));
        x3 = lo0;
      }
      _mm512_mask_storeu_epi32(out[0] + i, lanes, x0);
      _mm512_mask_storeu_epi32(out[1] + i, lanes, x1);
      _mm512_mask_storeu_epi32(out[2] + i, lanes, x2);
      _mm512_mask_storeu_epi32(out[3] + i, lanes, x3);
    }
#endif
    for (; i < count; ++i) {
      const Block b = block(customers[i], period, purpose, draw);
      for (int k = 0; k < 4; ++k) out[k][i] = b.v[k];
    }
  }

 private:
#if defined(__AVX512F__)
  // 32 x 32 -> 64-bit products of sixteen lanes, split into high and low
  // words in lane order.
  static void mul_hi_lo(__m512i x, __m512i m, __m512i* hi, __m512i* lo) {
    const __m512i even = _mm512_mul_epu32(x, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
    // The low words directly: one vpmulld instead of a shift and a blend.
    *lo = _mm512_mullo_epi32(x, m);
    *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  }
#endif

  std::uint32_t word3(Purpose purpose, std::uint32_t draw) const {
    return segment_bits_ | (static_cast<std::uint32_t>(purpose) << 16) | draw;
  }

 private:
  Philox::key_type key_;
  std::uint32_t replication_;
  std::uint32_t segment_bits_;
};

// A UniformRandomBitGenerator of 64-bit words over one (customer, period,
// purpose) stream, so Boost.Random distributions and the samplers can draw
// from it. Cheap to construct: Philox runs only when a word is asked for.
class WordEngine {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  WordEngine(const StreamKey& key, std::uint32_t customer, std::uint32_t period,
             Purpose purpose, std::uint32_t first_draw = 0)
      : key_(&key),
        customer_(customer),
        period_(period),
        purpose_(purpose),
        draw_(first_draw) {}

  result_type operator()() {
    if (next_ == 2) refill();
    const int half = 2 * next_;
    ++next_;
    return static_cast<result_type>(block_.v[half]) |
           (static_cast<result_type>(block_.v[half + 1]) << 32);
  }

 private:
  void refill() {
    // 65,536 blocks of one purpose would need a sampler rejecting hundreds of
    // thousands of times in a row; treat it as the bug it would be.
    if (draw_ > 0xFFFFu) throw std::logic_error("random stream exhausted");
    block_ = key_->block(customer_, period_, purpose_, draw_++);
    next_ = 0;
  }

  const StreamKey* key_;
  std::uint32_t customer_;
  std::uint32_t period_;
  Purpose purpose_;
  std::uint32_t draw_;
  int next_ = 2;
  StreamKey::Block block_{};
};

// Serves the same 64-bit words as WordEngine over (customer, period,
// purpose), reading the first `prefilled` blocks from arrays made for many
// customers at once by StreamKey::blocks(), then computing further blocks.
class PrefilledWordEngine {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  // words[4 * b + k][index] is word k of block (draw) b.
  PrefilledWordEngine(const std::uint32_t* const* words, int prefilled, int index,
                      const StreamKey& key, std::uint32_t customer,
                      std::uint32_t period, Purpose purpose)
      : words_(words), prefilled_(prefilled), index_(index),
        rest_(key, customer, period, purpose, static_cast<std::uint32_t>(prefilled)) {}

  result_type operator()() {
    if (next_ < 2 * prefilled_) {
      const int b = next_ / 2, half = 2 * (next_ % 2);
      ++next_;
      return static_cast<result_type>(words_[4 * b + half][index_]) |
             (static_cast<result_type>(words_[4 * b + half + 1][index_]) << 32);
    }
    return rest_();
  }

 private:
  const std::uint32_t* const* words_;
  int prefilled_;
  int index_;
  int next_ = 0;
  WordEngine rest_;
};

// A uniform on the open interval (0, 1), so log(u) and u^(1/a) are finite.
inline double uniform_open(std::uint32_t word) {
  return (static_cast<double>(word) + 0.5) * 0x1p-32;
}
inline double uniform_open(std::uint64_t word) {
  // 52 bits, not 53: (2^53 - 0.5) * 2^-53 would round up to exactly 1.
  return (static_cast<double>(word >> 12) + 0.5) * 0x1p-52;
}

}  // namespace clvsim
