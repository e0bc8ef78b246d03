// The processes of one run: one by default, K under an MPI launcher.
//
// Every process runs the same command on the same inputs; the engine deals
// the replications out to the ranks as they ask for work (job_dealer.hpp)
// and every rank receives every replication's tallies, so all ranks reduce them in the same order and hold
// the same Results (and make the same decisions, e.g. when a precision
// target is met). Only rank 0 writes. Results are bit-identical to a single
// process for any rank count (simulation.hpp).
//
// Collectives are called by every rank in the same order. They poll the
// cancel flag while they wait, so a signal never leaves a rank stuck
// waiting for one that has stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clvsim/job_dealer.hpp"

namespace clvsim {

class Cluster {
 public:
  virtual ~Cluster() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }

  // Collective. Every rank gives its values; every rank gets all ranks'
  // values, rank 0's first, with counts[r] values from rank r.
  virtual std::vector<double> all_gather(const std::vector<double>& mine,
                                         std::vector<std::size_t>& counts) = 0;

  // Collective. Element-wise sum over ranks, in place, on every rank.
  // Integers, so the order of addition cannot matter.
  virtual void sum(std::vector<std::uint64_t>& values) = 0;

  // Collective. Every rank gets rank 0's `text`.
  virtual void broadcast(std::string& text) = 0;

  // Every rank calls it for the same wave, in the same order as the
  // collectives; the returned dealer hands the wave's `jobs` out across
  // all ranks. `workers`: how many of this rank's threads will ask, which
  // is how many jobs it may hold ahead so none of them waits on a message.
  virtual std::unique_ptr<JobDealer> deal(std::uint64_t jobs, int workers) = 0;

  // Ends every rank of the run at once with `exit_code`, for a failure
  // after which the ranks can no longer meet at the same collective.
  [[noreturn]] virtual void abort(int exit_code) = 0;

  // Polled while waiting; when it reads true, a collective throws
  // RunCancelled. May be null.
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 protected:
  const std::atomic<bool>* cancel_ = nullptr;
};

// This process alone.
std::unique_ptr<Cluster> single_process();

// The run's processes: an MPI communicator of all ranks when this build
// has MPI and the process was started by an MPI launcher (mpirun, mpiexec,
// srun: recognised by the variables they set), else single_process().
// Without a launcher MPI is not initialised at all, which keeps a plain
// `clvsim run` as fast to start as a build without MPI. MPI is finalised
// when the returned object is destroyed.
std::unique_ptr<Cluster> join_cluster(int* argc, char*** argv);

// Whether this build can run under MPI.
bool built_with_mpi();

}  // namespace clvsim
