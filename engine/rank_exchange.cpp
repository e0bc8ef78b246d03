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
                      const std::vector<CohortTally*>& tallies, std::uint64_t per_job,
                      const std::vector<std::uint8_t>& mine) {
  const std::uint64_t jobs = mine.size();
  // Each of this rank's jobs: its number (exact in a double), its tallies.
  std::vector<double> sent;
  for (std::uint64_t j = 0; j < jobs; ++j) {
    if (!mine[j]) continue;
    sent.push_back(static_cast<double>(j));
    for (std::uint64_t t = j * per_job; t < (j + 1) * per_job; ++t) {
      sent.insert(sent.end(), tallies[t]->data(), tallies[t]->data() + tallies[t]->size());
    }
  }
  std::vector<std::size_t> counts;
  const std::vector<double> all = cluster.all_gather(sent, counts);
  const std::size_t job_size = per_job * CohortTally(strategies, horizon).size();
  std::vector<std::uint8_t> seen = mine;
  const auto mismatch = [](int k) {
    return std::runtime_error("rank " + std::to_string(k) +
                              " sent tallies that do not match the work it was dealt "
                              "(do all ranks run the same scenario?)");
  };
  std::size_t at = 0;
  for (int k = 0; k < cluster.size(); ++k) {
    const std::size_t end = at + counts[k];
    if (k == cluster.rank()) {
      at = end;
      continue;
    }
    while (at < end) {
      const double number = all[at];
      if (!(number >= 0 && number < static_cast<double>(jobs)) || end - at - 1 < job_size) {
        throw mismatch(k);
      }
      const auto j = static_cast<std::uint64_t>(number);
      if (static_cast<double>(j) != number || seen[j]) throw mismatch(k);
      seen[j] = 1;
      ++at;
      for (std::uint64_t t = j * per_job; t < (j + 1) * per_job; ++t) {
        CohortTally& tally = *tallies[t];
        tally = CohortTally(strategies, horizon);
        std::copy_n(all.data() + at, tally.size(), tally.data());
        at += tally.size();
      }
    }
  }
  if (std::find(seen.begin(), seen.end(), 0) != seen.end()) {
    throw std::runtime_error("a job of the wave came back from no rank");
  }
}

}  // namespace clvsim
