// The CLV quantile histogram: value-ordered buckets, bounded relative error,
// and merges that give the same bits in any order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "clv_histogram.hpp"

namespace clvsim {
namespace {

double exact_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

TEST(ClvHistogram, BucketIndexFollowsValueOrder) {
  std::vector<double> values;
  for (double x = 1e-4; x < 1e16; x *= 1.013) {
    values.push_back(x);
    values.push_back(-x);
  }
  values.push_back(0.0);
  std::sort(values.begin(), values.end());
  for (std::size_t i = 1; i < values.size(); ++i) {
    ASSERT_LE(ClvHistogram::bucket_of(values[i - 1]), ClvHistogram::bucket_of(values[i]))
        << values[i - 1] << " vs " << values[i];
  }
  for (double x : values) {
    const int b = ClvHistogram::bucket_of(x);
    ASSERT_GE(b, 0);
    ASSERT_LT(b, ClvHistogram::kBuckets);
    double low, high;
    ClvHistogram::bucket_range(b, &low, &high);
    if (std::fabs(x) >= std::ldexp(1.0, ClvHistogram::kMinExponent) &&
        std::fabs(x) < std::ldexp(1.0, ClvHistogram::kMaxExponent)) {
      ASSERT_LE(low, x);
      ASSERT_LT(x, high);
      ASSERT_LE((high - low) / std::fabs(x), 1.0 / ClvHistogram::kSubBuckets + 1e-12);
    }
  }
}

TEST(ClvHistogram, QuantilesWithinBucketWidth) {
  std::vector<double> v;
  // A skewed spread with negatives, zeros and large values, like CLVs.
  for (int i = 0; i < 100000; ++i) {
    const double u = (i + 0.5) / 100000;
    v.push_back(-50 + 2000 * u * u * u);
  }
  for (int i = 0; i < 3000; ++i) v.push_back(0.0);
  ClvHistogram h;
  for (double x : v) h.add(x);
  EXPECT_EQ(h.count(), v.size());
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double exact = exact_quantile(v, q);
    EXPECT_NEAR(h.quantile(q), exact, std::fabs(exact) / ClvHistogram::kSubBuckets + 1e-3) << q;
  }
}

TEST(ClvHistogram, MergeOrderDoesNotMatter) {
  ClvHistogram a, b, c;
  for (int i = 0; i < 5000; ++i) {
    a.add(std::sin(i) * 100);
    b.add(std::cos(i) * 1e6);
    c.add(i * 0.01);
  }
  ClvHistogram abc, cba;
  abc.merge(a);
  abc.merge(b);
  abc.merge(c);
  cba.merge(c);
  cba.merge(b);
  cba.merge(a);
  for (double q : {0.0, 0.05, 0.5, 0.95, 1.0}) {
    EXPECT_EQ(abc.quantile(q), cba.quantile(q));
  }
}

TEST(ClvHistogram, EmptyHasNoQuantiles) {
  ClvHistogram h;
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));
}

TEST(ClvHistogram, ExtremesSaturateInsteadOfOverflowing) {
  ClvHistogram h;
  h.add(1e300);
  h.add(-1e300);
  h.add(INFINITY);
  EXPECT_TRUE(std::isfinite(h.quantile(0.0)));
  EXPECT_TRUE(std::isfinite(h.quantile(1.0)));
}

}  // namespace
}  // namespace clvsim
