// Sharing a wave of work between the ranks of a cluster.
//
// A wave's work is a list of jobs, each a tally some rank computes: a whole
// segment of a replication, or, when a wave has fewer of those than ranks,
// one part of a segment's block tree (block_tree.hpp). Every rank derives
// the same job list and owners, so values travel without indices.
#pragma once

#include <cstdint>
#include <vector>

#include "clvsim/cluster.hpp"
#include "cohort_tally.hpp"

namespace clvsim {

// The tree depth at which a wave's segments are split into parts: 0 (whole
// segments) unless there are more ranks than the wave's `segment_jobs` and
// no strategy has a budget, which needs a replication's whole cohort at
// once; then deep enough for about two parts per rank.
int split_depth(std::uint64_t segment_jobs, int ranks, bool any_budget);

// Every rank sends the tallies of the jobs it owns (tallies[j] with
// owners[j] == its rank) and receives everyone else's into their slots,
// which are (re)made with `strategies` x `horizon`. Collective. Throws
// std::runtime_error when a rank sends a different amount than its jobs
// need (ranks running different scenarios).
void exchange_tallies(Cluster& cluster, int strategies, int horizon,
                      const std::vector<CohortTally*>& tallies, const std::vector<int>& owners);

}  // namespace clvsim
