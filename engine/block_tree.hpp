// The fixed tree over a cohort's customers that every parallel loop and
// every reduction follows.
//
// [begin, end) is halved until a part holds at most kBlockCustomers; the
// parts are the blocks, and sums meet pairwise up the same tree (left +
// right). The tree depends only on the cohort size, never on the thread
// count, so floating-point results do not either; and the period-by-period
// pass that budgets need adds its per-block tallies in exactly the order the
// block-by-block pass does.
#pragma once

#include <oneapi/tbb/parallel_invoke.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "cohort_tally.hpp"

namespace clvsim {

// 2,048 keeps a block's kernel state (about 400 KB, plus 12 bytes per
// customer-period of draws kept for later strategies: 0.9 MB at 36
// periods) close to one core's L2 cache:
// at 4,096 two threads scaled only 1.3-1.7x (bench/whole_run).
inline constexpr std::uint64_t kBlockCustomers = 2048;

// leaf(first, last) for every block of [begin, end), in parallel, summed up
// the tree. [begin, end) must not be empty.
template <typename Leaf>
CohortTally reduce_blocks(std::uint64_t begin, std::uint64_t end, const Leaf& leaf) {
  if (end - begin <= kBlockCustomers) return leaf(begin, end);
  const std::uint64_t middle = begin + (end - begin) / 2;
  CohortTally left, right;
  tbb::parallel_invoke([&] { left = reduce_blocks(begin, middle, leaf); },
                       [&] { right = reduce_blocks(middle, end, leaf); });
  left.add(right);
  return left;
}

// Splitting the tree between processes: the 2^depth nodes at `depth` are
// "parts", numbered by their path (1 = right, most significant first). A
// range that is already a block above that depth belongs to the part whose
// remaining path is all left; the other parts under it are empty. Sums of
// the parts combined by combine_parts() are exactly reduce_blocks().

// The range of part `part`, or false when that part is empty.
inline bool part_range(std::uint64_t& begin, std::uint64_t& end, int depth, std::uint32_t part) {
  for (int level = depth - 1; level >= 0; --level) {
    if (end - begin <= kBlockCustomers) {
      return (part & ((std::uint32_t{2} << level) - 1)) == 0;
    }
    const std::uint64_t middle = begin + (end - begin) / 2;
    if ((part >> level) & 1u) {
      begin = middle;
    } else {
      end = middle;
    }
  }
  return true;
}

// The sum over [begin, end) from its parts' sums (parts[p], empty parts
// ignored), meeting pairwise up the tree exactly as reduce_blocks() does.
inline CohortTally combine_parts(std::uint64_t begin, std::uint64_t end, int depth,
                                 const CohortTally* parts, std::uint32_t prefix = 0) {
  if (depth == 0) return parts[prefix];
  if (end - begin <= kBlockCustomers) return parts[prefix << depth];
  const std::uint64_t middle = begin + (end - begin) / 2;
  CohortTally left = combine_parts(begin, middle, depth - 1, parts, prefix * 2);
  left.add(combine_parts(middle, end, depth - 1, parts, prefix * 2 + 1));
  return left;
}

// The blocks of [begin, end), in customer order, appended to `out`.
inline void list_blocks(std::uint64_t begin, std::uint64_t end,
                        std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
  if (end - begin <= kBlockCustomers) {
    out.emplace_back(begin, end);
    return;
  }
  const std::uint64_t middle = begin + (end - begin) / 2;
  list_blocks(begin, middle, out);
  list_blocks(middle, end, out);
}

}  // namespace clvsim
