// The cluster of an MPI job (built with CLVSIM_MPI).
//
// Collectives are non-blocking calls completed by polling, so a rank that
// is told to stop (SIGINT/SIGTERM, which mpirun forwards to every rank as
// SIGTERM) stops waiting within a millisecond instead of blocking forever on
// a peer that has already gone.
#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

#include "clvsim/cluster.hpp"
#include "clvsim/simulation.hpp"
#include "mpi_job_dealer.hpp"
#include "mpi_wait.hpp"

namespace clvsim {
namespace {

// Variables only an MPI launcher sets: Open MPI's mpirun, MPICH's hydra and
// PMI-2 (srun --mpi=pmi2), PMIx (srun --mpi=pmix, Open MPI 4+).
bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

class MpiCluster final : public Cluster {
 public:
  MpiCluster(int* argc, char*** argv) {
    // Serialized: one thread at a time calls MPI, though not always the
    // main one (the engine's collectives run where the run was started).
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // Dealing's messages on a communicator of their own can never be
    // mistaken for anything else.
    MPI_Comm_dup(MPI_COMM_WORLD, &dealing_);
  }

  ~MpiCluster() override {
    // After an abandoned collective the peers are not where Finalize would
    // wait for them; the launcher cleans up after a process that just exits.
    if (!abandoned_) {
      MPI_Comm_free(&dealing_);
      MPI_Finalize();
    }
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<double> all_gather(const std::vector<double>& mine,
                                 std::vector<std::size_t>& counts) override {
    std::uint64_t count = mine.size();
    std::vector<std::uint64_t> all_counts(size_);
    MPI_Request request;
    MPI_Iallgather(&count, 1, MPI_UINT64_T, all_counts.data(), 1, MPI_UINT64_T,
                   MPI_COMM_WORLD, &request);
    wait(request);
    std::vector<int> sizes(size_), offsets(size_);
    std::uint64_t total = 0;
    counts.assign(size_, 0);
    for (int r = 0; r < size_; ++r) {
      counts[r] = all_counts[r];
      offsets[r] = checked_int(total);
      sizes[r] = checked_int(all_counts[r]);
      total += all_counts[r];
    }
    checked_int(total);
    std::vector<double> all(total);
    MPI_Iallgatherv(mine.data(), checked_int(count), MPI_DOUBLE, all.data(), sizes.data(),
                    offsets.data(), MPI_DOUBLE, MPI_COMM_WORLD, &request);
    wait(request);
    return all;
  }

  void sum(std::vector<std::uint64_t>& values) override {
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, values.data(), checked_int(values.size()), MPI_UINT64_T,
                   MPI_SUM, MPI_COMM_WORLD, &request);
    wait(request);
  }

  void broadcast(std::string& text) override {
    std::uint64_t length = text.size();
    MPI_Request request;
    MPI_Ibcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, &request);
    wait(request);
    text.resize(length);
    MPI_Ibcast(text.data(), checked_int(length), MPI_CHAR, 0, MPI_COMM_WORLD, &request);
    wait(request);
  }

  std::unique_ptr<JobDealer> deal(std::uint64_t jobs, int workers) override {
    return deal_over_mpi(dealing_, jobs, workers, cancel_, &abandoned_);
  }

  [[noreturn]] void abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; the compiler cannot know
  }

 private:
  void wait(MPI_Request& request) { wait_polling(request, cancel_, &abandoned_); }

  // MPI counts are ints: 2^31 doubles is 16 GiB in one message, far beyond
  // any tally; refuse rather than wrap.
  static int checked_int(std::uint64_t n) {
    if (n > static_cast<std::uint64_t>(INT32_MAX)) {
      throw std::length_error("a message between MPI ranks exceeds 2^31 elements");
    }
    return static_cast<int>(n);
  }

  int rank_ = 0;
  int size_ = 1;
  MPI_Comm dealing_ = MPI_COMM_NULL;
  bool abandoned_ = false;
};

}  // namespace

std::unique_ptr<Cluster> join_cluster(int* argc, char*** argv) {
  if (!started_by_launcher()) return single_process();
  return std::make_unique<MpiCluster>(argc, argv);
}

bool built_with_mpi() { return true; }

}  // namespace clvsim
