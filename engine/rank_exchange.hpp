// Sharing a wave's tallies between the ranks of a cluster.
//
// A wave's work is a list of jobs (simulation.cpp): whole replications when
// a strategy has a budget, else segments of replications or parts of a
// segment's block tree (block_tree.hpp). Jobs are dealt out as ranks ask
// (job_dealer.hpp), so a rank's share is only known to itself: every value
// travels with the number of its job.
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

// Job j's tallies are tallies[j * per_job ... (j + 1) * per_job). Every rank
// sends the tallies of its own jobs (mine[j] != 0) and receives everyone
// else's into their slots, which are (re)made with `strategies` x
// `horizon`. Collective. Throws std::runtime_error unless every job came
// from exactly one rank with tallies of that shape (ranks running
// different scenarios).
void exchange_tallies(Cluster& cluster, int strategies, int horizon,
                      const std::vector<CohortTally*>& tallies, std::uint64_t per_job,
                      const std::vector<std::uint8_t>& mine);

}  // namespace clvsim
