// The cluster of one process, and join_cluster() for builds without MPI.
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
  [[noreturn]] void abort(int exit_code) override { std::exit(exit_code); }
};

}  // namespace

std::unique_ptr<Cluster> single_process() { return std::make_unique<SingleProcess>(); }

#ifndef CLVSIM_MPI
std::unique_ptr<Cluster> join_cluster(int*, char***) { return single_process(); }
bool built_with_mpi() { return false; }
#endif

}  // namespace clvsim
