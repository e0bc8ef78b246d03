// A histogram of single customers' CLV with log-linear buckets, for the
// p05..p95 quantiles.
//
// Why this structure: counts are integers, so merging histograms from any
// number of blocks, threads or ranks in any order gives the same result
// bit for bit, and memory does not grow with customers. Buckets split each
// power of two into 128 equal parts, so a quantile is exact to within
// 1/128 of its magnitude (about 0.8%; linear interpolation inside the
// bucket usually does much better). |CLV| below 2^-10 counts as 0;
// magnitudes beyond 2^50 (~1e15) land in the outermost bucket.
#pragma once

#include <cstdint>
#include <vector>

namespace clvsim {

class ClvHistogram {
 public:
  ClvHistogram();

  void add(double clv);
  void merge(const ClvHistogram& other);
  void clear();
  std::uint64_t count() const { return total_; }

  // The kBuckets counts in index order, for summing across ranks and for
  // checkpoints; add_counts() adds such counts back.
  const std::uint64_t* counts() const { return counts_.data(); }
  void add_counts(const std::uint64_t* counts);

  // The q-quantile (q in [0, 1]) with the rank convention of numpy's
  // default: position q * (n - 1) among the sorted values. NaN when empty.
  double quantile(double q) const;

  static constexpr int kSubBuckets = 128;
  static constexpr int kMinExponent = -10;
  static constexpr int kMaxExponent = 50;  // exclusive
  static constexpr int kOctaves = kMaxExponent - kMinExponent;
  static constexpr int kSide = kOctaves * kSubBuckets;
  // Layout: [0, kSide) negatives from largest magnitude down, kSide = zero,
  // (kSide, 2 kSide] positives from smallest magnitude up: index order is
  // value order.
  static constexpr int kBuckets = 2 * kSide + 1;

  static int bucket_of(double clv);
  // Value range [low, high) covered by a bucket (low == high for zero).
  static void bucket_range(int bucket, double* low, double* high);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace clvsim
