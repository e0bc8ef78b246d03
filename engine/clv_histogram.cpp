#include <algorithm>
#include "clv_histogram.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace clvsim {
namespace {

// Position within one side: octave * kSubBuckets + sub-bucket, from the
// IEEE-754 exponent and the top 7 mantissa bits. No log() call.
int magnitude_slot(double magnitude) {
  const auto bits = std::bit_cast<std::uint64_t>(magnitude);
  const int exponent = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
  if (exponent >= ClvHistogram::kMaxExponent) return ClvHistogram::kSide - 1;
  const int sub = static_cast<int>((bits >> 45) & 0x7F);
  return (exponent - ClvHistogram::kMinExponent) * ClvHistogram::kSubBuckets + sub;
}

double slot_low(int slot) {
  const int octave = slot / ClvHistogram::kSubBuckets;
  const int sub = slot % ClvHistogram::kSubBuckets;
  return std::ldexp(1.0 + sub / double(ClvHistogram::kSubBuckets),
                    octave + ClvHistogram::kMinExponent);
}

}  // namespace

ClvHistogram::ClvHistogram() : counts_(kBuckets, 0) {}

int ClvHistogram::bucket_of(double clv) {
  const double magnitude = std::fabs(clv);
  // NaN compares false and lands in the zero bucket; the engine never makes
  // one (inputs are validated), but a histogram must not index out of range.
  if (!(magnitude >= std::ldexp(1.0, kMinExponent))) return kSide;
  const int slot = magnitude_slot(magnitude);
  return clv > 0 ? kSide + 1 + slot : kSide - 1 - slot;
}

void ClvHistogram::bucket_range(int bucket, double* low, double* high) {
  if (bucket == kSide) {
    *low = *high = 0.0;
  } else if (bucket > kSide) {
    const int slot = bucket - kSide - 1;
    *low = slot_low(slot);
    *high = slot_low(slot + 1);
  } else {
    const int slot = kSide - 1 - bucket;
    *low = -slot_low(slot + 1);
    *high = -slot_low(slot);
  }
}

void ClvHistogram::add(double clv) {
  ++counts_[bucket_of(clv)];
  ++total_;
}

void ClvHistogram::merge(const ClvHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
}

void ClvHistogram::add_counts(const std::uint64_t* counts) {
  for (int i = 0; i < kBuckets; ++i) {
    counts_[i] += counts[i];
    total_ += counts[i];
  }
}

void ClvHistogram::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
}

double ClvHistogram::quantile(double q) const {
  if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const double rank = q * static_cast<double>(total_ - 1);  // 0-based
  std::uint64_t before = 0;
  for (int b = 0; b < kBuckets; ++b) {
    const std::uint64_t n = counts_[b];
    if (n == 0) continue;
    if (rank < static_cast<double>(before + n)) {
      double low, high;
      bucket_range(b, &low, &high);
      // The bucket's n values are taken as evenly spread over [low, high).
      const double within = (rank - static_cast<double>(before) + 0.5) /
                            static_cast<double>(n);
      return low + (high - low) * within;
    }
    before += n;
  }
  double low, high;
  bucket_range(kBuckets - 1, &low, &high);
  return high;
}

}  // namespace clvsim
