// Sharing a wave between ranks, without MPI: the local dealer hands every
// job out exactly once to any number of threads; exchange_tallies puts
// every rank's jobs back in job order whoever ran them, and refuses shares
// that do not add up to the wave (ranks running different scenarios).
// Under mpirun the same paths are run end to end by test_mpi.
#include <gtest/gtest.h>

#include <oneapi/tbb/parallel_for.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "clvsim/cluster.hpp"
#include "cohort_tally.hpp"
#include "rank_exchange.hpp"

namespace clvsim {
namespace {

TEST(LocalDealer, HandsEveryJobOutExactlyOnceAcrossThreads) {
  constexpr std::uint64_t kJobs = 10000;
  const auto dealer = deal_locally(kJobs);
  std::vector<std::atomic<int>> taken(kJobs);
  tbb::parallel_for(0, 8, [&](int) {
    while (const auto job = dealer->next()) taken[*job].fetch_add(1);
  });
  for (std::uint64_t j = 0; j < kJobs; ++j) ASSERT_EQ(taken[j].load(), 1) << j;
  EXPECT_FALSE(dealer->next());
  EXPECT_FALSE(deal_locally(0)->next());
}

TEST(SplitDepth, SplitsOnlyWhenRanksOutnumberSegmentJobsAndNoBudget) {
  EXPECT_EQ(split_depth(3, 1, false), 0);
  EXPECT_EQ(split_depth(3, 3, false), 0);
  EXPECT_EQ(split_depth(3, 4, true), 0);  // budgets need whole cohorts
  EXPECT_EQ(split_depth(3, 4, false), 2);  // 12 parts >= 2 per rank
  EXPECT_EQ(split_depth(1, 7, false), 4);  // 16 parts >= 14
}

// Rank `me` of a cluster whose other ranks' shares are given; all_gather
// puts this rank's own share in its place.
class ScriptedCluster final : public Cluster {
 public:
  ScriptedCluster(int me, std::vector<std::vector<double>> shares)
      : me_(me), shares_(std::move(shares)) {}
  int rank() const override { return me_; }
  int size() const override { return static_cast<int>(shares_.size()); }
  std::vector<double> all_gather(const std::vector<double>& mine,
                                 std::vector<std::size_t>& counts) override {
    shares_[me_] = mine;
    std::vector<double> all;
    counts.clear();
    for (const auto& share : shares_) {
      all.insert(all.end(), share.begin(), share.end());
      counts.push_back(share.size());
    }
    return all;
  }
  void sum(std::vector<std::uint64_t>&) override {}
  void broadcast(std::string&) override {}
  std::unique_ptr<JobDealer> deal(std::uint64_t jobs, int) override { return deal_locally(jobs); }
  [[noreturn]] void abort(int) override { throw std::logic_error("abort"); }
  const std::vector<double>& share(int k) const { return shares_[k]; }

 private:
  int me_;
  std::vector<std::vector<double>> shares_;
};

constexpr int kStrategies = 2, kHorizon = 3;
constexpr std::uint64_t kJobs = 5, kPerJob = 2;

// Every tally of the wave, each value telling which tally and cell it is.
std::vector<CohortTally> wave() {
  std::vector<CohortTally> tallies(kJobs * kPerJob, CohortTally(kStrategies, kHorizon));
  for (std::size_t t = 0; t < tallies.size(); ++t) {
    for (std::size_t v = 0; v < tallies[t].size(); ++v) tallies[t].data()[v] = t * 1000.0 + v;
  }
  return tallies;
}

std::vector<CohortTally*> pointers(std::vector<CohortTally>& tallies) {
  std::vector<CohortTally*> p;
  for (CohortTally& t : tallies) p.push_back(&t);
  return p;
}

// What rank `k` sends when it ran the jobs marked in `ran`.
std::vector<double> share_of(int k, int ranks, const std::vector<std::uint8_t>& ran) {
  std::vector<CohortTally> tallies = wave();
  ScriptedCluster recorder(k, std::vector<std::vector<double>>(ranks));
  try {
    exchange_tallies(recorder, kStrategies, kHorizon, pointers(tallies), kPerJob, ran);
  } catch (const std::runtime_error&) {
    // The others' jobs are missing here; only the share is wanted.
  }
  return recorder.share(k);
}

TEST(ExchangeTallies, EveryRankEndsWithEveryJobInJobOrder) {
  // Three ranks that ran jobs {0, 3}, {1, 4} and {2}, in any interleaving.
  const std::vector<std::vector<std::uint8_t>> ran = {
      {1, 0, 0, 1, 0}, {0, 1, 0, 0, 1}, {0, 0, 1, 0, 0}};
  const std::vector<CohortTally> expected = wave();
  for (int me = 0; me < 3; ++me) {
    std::vector<std::vector<double>> shares;
    for (int k = 0; k < 3; ++k) shares.push_back(k == me ? std::vector<double>{} : share_of(k, 3, ran[k]));
    ScriptedCluster cluster(me, shares);
    // Slots of other ranks' jobs start out empty, as on a real rank.
    std::vector<CohortTally> tallies = wave();
    for (std::uint64_t j = 0; j < kJobs; ++j) {
      if (!ran[me][j]) {
        for (std::uint64_t t = j * kPerJob; t < (j + 1) * kPerJob; ++t) tallies[t] = CohortTally();
      }
    }
    exchange_tallies(cluster, kStrategies, kHorizon, pointers(tallies), kPerJob, ran[me]);
    for (std::size_t t = 0; t < tallies.size(); ++t) {
      ASSERT_EQ(tallies[t].size(), expected[t].size());
      for (std::size_t v = 0; v < tallies[t].size(); ++v) {
        ASSERT_EQ(tallies[t].data()[v], expected[t].data()[v]) << "rank " << me << " tally " << t;
      }
    }
  }
}

void expect_refused(const std::vector<double>& other, const char* why) {
  const std::vector<std::uint8_t> mine = {1, 0, 1, 0, 1};
  std::vector<CohortTally> tallies = wave();
  ScriptedCluster cluster(0, {{}, other});
  EXPECT_THROW(exchange_tallies(cluster, kStrategies, kHorizon, pointers(tallies), kPerJob, mine),
               std::runtime_error)
      << why;
}

TEST(ExchangeTallies, RefusesSharesThatDoNotAddUpToTheWave) {
  const std::vector<double> good = share_of(1, 2, {0, 1, 0, 1, 0});
  std::vector<double> shorter(good.begin(), good.end() - 1);
  expect_refused(shorter, "a tally cut short");
  std::vector<double> twice = good;
  twice[good.size() / 2] = 1;  // the second job claims to be job 1 again
  expect_refused(twice, "a job sent twice");
  std::vector<double> overlap = share_of(1, 2, {1, 1, 0, 1, 0});
  expect_refused(overlap, "a job both ranks ran");
  expect_refused(share_of(1, 2, {0, 1, 0, 0, 0}), "job 3 sent by no rank");
  std::vector<double> beyond = good;
  beyond[0] = kJobs;
  expect_refused(beyond, "a job number past the wave");
  std::vector<double> fraction = good;
  fraction[0] = 1.5;
  expect_refused(fraction, "a job number that is not a whole number");
}

}  // namespace
}  // namespace clvsim
