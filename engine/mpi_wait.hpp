// Waiting for a non-blocking MPI call while staying responsive to signals.
#pragma once

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "clvsim/simulation.hpp"

namespace clvsim {

// Polls `request` until it completes. Throws RunCancelled as soon as
// `cancel` (may be null) reads true, after setting `*abandoned`: the peers
// are then not where MPI_Finalize would wait for them. Spins briefly (a
// balanced exchange completes at once), then yields the core between polls
// to this rank's own worker threads.
inline void wait_polling(MPI_Request& request, const std::atomic<bool>* cancel, bool* abandoned) {
  for (int polls = 0;; ++polls) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      *abandoned = true;
      throw RunCancelled();
    }
    if (polls > 1000) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

}  // namespace clvsim
