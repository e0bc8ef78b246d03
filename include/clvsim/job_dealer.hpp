// Handing out a wave of jobs to the ranks of a run, first come first served.
//
// A wave's jobs are numbered 0..count-1. Each goes to exactly one rank, to
// whichever asks first, so a rank slowed by anything (a busier core, a
// slower node, a larger share of long jobs) simply does fewer of them and
// no rank idles while another still has a queue. Which rank runs a job
// never changes results: a job's random numbers are keyed by what it
// simulates, and its tally is reduced in job order (simulation.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

namespace clvsim {

class JobDealer {
 public:
  virtual ~JobDealer() = default;

  // The next job for this rank, or nullopt once every job of the wave has
  // been handed out. Safe to call from any number of this rank's threads.
  // Throws RunCancelled when the run's cancel flag is raised while it waits.
  virtual std::optional<std::uint64_t> next() = 0;

  // Returns once every rank has been told the wave is dealt out; call it,
  // after next() has returned nullopt, before the wave's collectives.
  virtual void finish() {}
};

// The jobs of one process: an atomic counter.
std::unique_ptr<JobDealer> deal_locally(std::uint64_t jobs);

}  // namespace clvsim
