// AVX-512 forms of the loops of CustomerBlock::step_as() that GCC 12 leaves
// scalar: it will not gather (its Zen tuning turns gathers off), nor turn a
// byte flag into a select inside an outer loop. Each does, lane by lane, the
// same IEEE operations in the same order as the scalar code it replaces
// (-ffp-contract=off rules out fused multiply-adds on both sides), so
// results keep their bits. Without AVX-512 the callers' scalar loops do all
// the work.
#pragma once

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define CLVSIM_STEP_SIMD 1
#include <immintrin.h>
#endif

#include <bit>
#include <cstdint>

namespace clvsim::simd {

#if defined(CLVSIM_STEP_SIMD)

// What one period's revenue and churn loop reads and writes, slot by slot.
struct PeriodSlots {
  const int* level;
  const double* mu;
  const double* gamma;
  const double* theta;
  const double* lifeline;
  double* survival;
  double* revenue_sum;
  double* revenue;
  unsigned char* leaves;
};

// The period's revenue and churn under one fixed treatment for the first
// multiple of 8 slots; returns how many were done. Per slot, as the scalar
// loop: revenue = mu * (effect_revenue * level_revenue) [* (gamma *
// noise_scale)], q = min(1, theta * (effect_churn * level_churn)).
// How a slot's level multipliers are found: one permute from a register
// when there are at most 8 levels (Zen 4 gathers cost several times more),
// a gather otherwise.
enum class Levels { kStart, kPermute, kGather };

template <bool kNoise, Levels kLevels>
int revenue_churn_fixed(const PeriodSlots& s, int m, double effect_revenue,
                        double effect_churn, const double* level_revenue,
                        const double* level_churn, int levels, int start_level,
                        double discount, double noise_scale) {
  const __m512d e_rev = _mm512_set1_pd(effect_revenue);
  const __m512d e_churn = _mm512_set1_pd(effect_churn);
  const __m512d start_rev = _mm512_set1_pd(level_revenue[start_level]);
  const __m512d start_churn = _mm512_set1_pd(level_churn[start_level]);
  const __m512d d = _mm512_set1_pd(discount);
  const __m512d scale = _mm512_set1_pd(noise_scale);
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d rev_table = start_rev, churn_table = start_churn;
  if constexpr (kLevels == Levels::kPermute) {
    const auto present = static_cast<__mmask8>((1u << levels) - 1);
    rev_table = _mm512_maskz_loadu_pd(present, level_revenue);
    churn_table = _mm512_maskz_loadu_pd(present, level_churn);
  }
  int k = 0;
  for (; k + 8 <= m; k += 8) {
    __m512d lrev = start_rev, lchurn = start_churn;
    if constexpr (kLevels != Levels::kStart) {
      const __m256i lv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.level + k));
      if constexpr (kLevels == Levels::kPermute) {
        const __m512i index = _mm512_cvtepi32_epi64(lv);
        lrev = _mm512_permutexvar_pd(index, rev_table);
        lchurn = _mm512_permutexvar_pd(index, churn_table);
      } else {
        lrev = _mm512_i32gather_pd(lv, level_revenue, 8);
        lchurn = _mm512_i32gather_pd(lv, level_churn, 8);
      }
    }
    __m512d revenue = _mm512_mul_pd(_mm512_loadu_pd(s.mu + k), _mm512_mul_pd(e_rev, lrev));
    if constexpr (kNoise) {
      revenue = _mm512_mul_pd(revenue, _mm512_mul_pd(_mm512_loadu_pd(s.gamma + k), scale));
    }
    _mm512_storeu_pd(s.revenue + k, revenue);
    _mm512_storeu_pd(s.revenue_sum + k,
                     _mm512_add_pd(_mm512_loadu_pd(s.revenue_sum + k), _mm512_mul_pd(d, revenue)));
    // vminpd(x, 1) is x < 1 ? x : 1, as std::min(1.0, x), NaN included.
    const __m512d q = _mm512_min_pd(
        _mm512_mul_pd(_mm512_loadu_pd(s.theta + k), _mm512_mul_pd(e_churn, lchurn)), one);
    const __m512d survival = _mm512_mul_pd(_mm512_loadu_pd(s.survival + k), _mm512_sub_pd(one, q));
    _mm512_storeu_pd(s.survival + k, survival);
    const __mmask8 leaves =
        _mm512_cmp_pd_mask(survival, _mm512_loadu_pd(s.lifeline + k), _CMP_LE_OQ);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(s.leaves + k), _mm_maskz_set1_epi8(leaves, 1));
  }
  return k;
}

// lane_sums()'s blocks of eight: all[l] and flagged[l] sum x[k + l] over
// k = 0, 8, 16, ... in that order, flagged adding +0.0 where the flag is
// clear; returns how many values were taken.
inline int lane_sum_blocks(const double* x, const unsigned char* flag, int n, double* all,
                           double* flagged) {
  __m512d a = _mm512_setzero_pd(), f = _mm512_setzero_pd();
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m512d v = _mm512_loadu_pd(x + k);
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(flag + k));
    const auto set = static_cast<__mmask8>(_mm_test_epi8_mask(bytes, bytes));
    a = _mm512_add_pd(a, v);
    f = _mm512_add_pd(f, _mm512_maskz_mov_pd(set, v));
  }
  _mm512_storeu_pd(all, a);
  _mm512_storeu_pd(flagged, f);
  return k;
}

// Calls visit(k) for every k in [0, n) with flag[k] set, highest k first,
// testing 64 flags at once: leavers are a few percent of the slots.
template <class Visit>
void for_each_flagged_descending(const unsigned char* flag, int n, Visit&& visit) {
  for (int base = (n - 1) & ~63; base >= 0; base -= 64) {
    const int count = n - base < 64 ? n - base : 64;
    const __mmask64 lanes = count == 64 ? ~__mmask64{0} : (__mmask64{1} << count) - 1;
    const __m512i bytes = _mm512_maskz_loadu_epi8(lanes, flag + base);
    std::uint64_t bits = _mm512_test_epi8_mask(bytes, bytes);
    while (bits != 0) {
      const int j = 63 - std::countl_zero(bits);
      visit(base + j);
      bits &= ~(std::uint64_t{1} << j);
    }
  }
}

// Calls visit(k) for every k in [0, n) with flag[k] clear, lowest k first,
// testing 64 flags at once: draws the fast path leaves are ~2%.
template <class Visit>
void for_each_clear_ascending(const unsigned char* flag, int n, Visit&& visit) {
  for (int base = 0; base < n; base += 64) {
    const int count = n - base < 64 ? n - base : 64;
    const __mmask64 lanes = count == 64 ? ~__mmask64{0} : (__mmask64{1} << count) - 1;
    const __m512i bytes = _mm512_maskz_loadu_epi8(lanes, flag + base);
    std::uint64_t bits = _mm512_mask_testn_epi8_mask(lanes, bytes, bytes);
    while (bits != 0) {
      visit(base + std::countr_zero(bits));
      bits &= bits - 1;
    }
  }
}

#endif  // CLVSIM_STEP_SIMD

}  // namespace clvsim::simd
