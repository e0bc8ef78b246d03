// The cluster of one process, and join_cluster() for builds without MPI.
#include <atomic>
#include <cstdlib>

#include "clvsim/cluster.hpp"

namespace clvsim {
namespace {

class SingleProcess final : public Cluster {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<double> all_gather(const std::vector<double>& mine,
                                 std::vector<std::size_t>& counts) override {
    counts.assign(1, mine.size());
    return mine;
  }
  void sum(std::vector<std::uint64_t>&) override {}
  void broadcast(std::string&) override {}
  std::unique_ptr<JobDealer> deal(std::uint64_t jobs, int) override { return deal_locally(jobs); }
  [[noreturn]] void abort(int exit_code) override { std::exit(exit_code); }
};

class LocalDealer final : public JobDealer {
 public:
  explicit LocalDealer(std::uint64_t jobs) : jobs_(jobs) {}
  std::optional<std::uint64_t> next() override {
    // Relaxed: the counter orders nothing but itself.
    const std::uint64_t job = next_.fetch_add(1, std::memory_order_relaxed);
    if (job >= jobs_) return std::nullopt;
    return job;
  }

 private:
  const std::uint64_t jobs_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace

std::unique_ptr<JobDealer> deal_locally(std::uint64_t jobs) {
  return std::make_unique<LocalDealer>(jobs);
}

std::unique_ptr<Cluster> single_process() { return std::make_unique<SingleProcess>(); }

#ifndef CLVSIM_MPI
std::unique_ptr<Cluster> join_cluster(int*, char***) { return single_process(); }
bool built_with_mpi() { return false; }
#endif

}  // namespace clvsim
