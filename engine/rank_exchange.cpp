#include "rank_exchange.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace clvsim {

int split_depth(std::uint64_t segment_jobs, int ranks, bool any_budget) {
  if (ranks <= 1 || any_budget || segment_jobs >= static_cast<std::uint64_t>(ranks)) return 0;
  int depth = 0;
  // 2^12 parts of a segment is far past any useful split.
  while (depth < 12 && (segment_jobs << depth) < 2 * static_cast<std::uint64_t>(ranks)) ++depth;
  return depth;
}

void exchange_tallies(Cluster& cluster, int strategies, int horizon,
                      const std::vector<CohortTally*>& tallies, const std::vector<int>& owners) {
  const int me = cluster.rank();
  std::vector<double> sent;
  for (std::size_t j = 0; j < tallies.size(); ++j) {
    if (owners[j] != me) continue;
    sent.insert(sent.end(), tallies[j]->data(), tallies[j]->data() + tallies[j]->size());
  }
  std::vector<std::size_t> counts;
  const std::vector<double> all = cluster.all_gather(sent, counts);
  // cursor[k]: the next value of rank k's share of `all`.
  std::vector<std::size_t> cursor(cluster.size(), 0), end(cluster.size(), 0);
  for (int k = 0; k < cluster.size(); ++k) {
    cursor[k] = k == 0 ? 0 : end[k - 1];
    end[k] = cursor[k] + counts[k];
  }
  const auto mismatch = [](int k) {
    return std::runtime_error("rank " + std::to_string(k) +
                              " sent tallies that do not match its share of the work "
                              "(do all ranks run the same scenario?)");
  };
  for (std::size_t j = 0; j < tallies.size(); ++j) {
    const int k = owners[j];
    if (k == me) continue;
    CohortTally& tally = *tallies[j];
    tally = CohortTally(strategies, horizon);
    if (end[k] - cursor[k] < tally.size()) throw mismatch(k);
    std::copy_n(all.data() + cursor[k], tally.size(), tally.data());
    cursor[k] += tally.size();
  }
  for (int k = 0; k < cluster.size(); ++k) {
    if (k != me && cursor[k] != end[k]) throw mismatch(k);
  }
}

}  // namespace clvsim
