// Dealing a wave's jobs over MPI (built with CLVSIM_MPI; job_dealer.hpp).
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "clvsim/job_dealer.hpp"

namespace clvsim {

// The dealer of `jobs` for this rank of `comm`, which must carry nothing
// but dealing (a duplicate of the run's communicator). Rank 0 keeps the
// count and answers the other ranks from a thread of its own; the others
// ask it. `cancel` (may be null) is polled while waiting; when a wait is
// given up, `*abandoned` is set (MPI can then no longer be finalised).
std::unique_ptr<JobDealer> deal_over_mpi(MPI_Comm comm, std::uint64_t jobs, int workers,
                                         const std::atomic<bool>* cancel, bool* abandoned);

}  // namespace clvsim
