// Rank 0 counts out a wave's jobs; the other ranks ask it for some.
//
// Rank 0 answers from a thread of its own, so no rank ever waits for rank
// 0's simulation to reach a point where it looks at messages; the thread
// sleeps between looks (a millisecond when idle, less during a burst of
// questions), costing its core next to nothing.
// That latency seldom reaches a worker: an asking rank asks again as soon
// as it starts on the last job it holds, so the answer is there by the
// time that job is done. Grants are guided: a share of what is left, at
// least as many jobs as the rank has threads; large early, so questions
// stay few however small the jobs, and small at the end of a wave, so
// ranks finish within about a job of each other.
//
// Message order, not timing, is all the protocol relies on: each asking
// rank has at most one question out, and is told "none" (a grant of 0
// jobs) exactly once, after which it never asks again, so a wave ends with
// no message in flight.
#include "mpi_job_dealer.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "clvsim/simulation.hpp"
#include "mpi_wait.hpp"

namespace clvsim {
namespace {

constexpr int kAsk = 1;    // int: how many jobs the rank can use
constexpr int kGrant = 2;  // two uint64: first job, count (0: none left)
// How often rank 0's answering thread looks for questions: every
// millisecond when none came for kBurst, else every 20 microseconds.
constexpr auto kIdleLook = std::chrono::milliseconds(1);
constexpr auto kBurst = std::chrono::milliseconds(5);

bool raised(const std::atomic<bool>* flag) {
  return flag != nullptr && flag->load(std::memory_order_relaxed);
}

// Rank 0: the count, taken from by its own threads and, through the
// answering thread, by every other rank.
class CountingDealer final : public JobDealer {
 public:
  CountingDealer(MPI_Comm comm, std::uint64_t jobs, const std::atomic<bool>* cancel,
                 bool* abandoned)
      : comm_(comm), jobs_(jobs), cancel_(cancel), abandoned_(abandoned) {
    MPI_Comm_size(comm_, &ranks_);
    if (ranks_ > 1) {
      told_everyone_ = false;
      answerer_ = std::thread([this] { answer(); });
    }
  }

  ~CountingDealer() override {
    stop_.store(true, std::memory_order_relaxed);
    if (answerer_.joinable()) answerer_.join();
  }

  std::optional<std::uint64_t> next() override {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (next_ == jobs_) return std::nullopt;
    return next_++;
  }

  void finish() override {
    if (answerer_.joinable()) answerer_.join();
    if (!told_everyone_) {  // the answerer gave up: cancelled
      *abandoned_ = true;
      throw RunCancelled();
    }
  }

 private:
  // Guided: a share of what is left (half a fair share), so early grants
  // are large and questions few even when jobs are tiny, and grants shrink
  // to `want` jobs at the end, where ranks must finish together.
  std::pair<std::uint64_t, std::uint64_t> grant(int want) {
    const std::lock_guard<std::mutex> hold(mutex_);
    const std::uint64_t left = jobs_ - next_;
    const std::uint64_t share = left / (2 * static_cast<std::uint64_t>(ranks_));
    const std::uint64_t count =
        std::min(left, std::max(share, static_cast<std::uint64_t>(std::max(want, 1))));
    const std::uint64_t first = next_;
    next_ += count;
    return {first, count};
  }

  void answer() {
    int want = 0;
    MPI_Request question;
    MPI_Irecv(&want, 1, MPI_INT, MPI_ANY_SOURCE, kAsk, comm_, &question);
    // Questions come in bursts (at a wave's start and end, and whenever
    // jobs are short): right after one, look again soon.
    auto last_question = std::chrono::steady_clock::now();
    for (int told = 0; told < ranks_ - 1;) {
      int arrived = 0;
      MPI_Status status;
      MPI_Test(&question, &arrived, &status);
      if (!arrived) {
        if (stop_.load(std::memory_order_relaxed) || raised(cancel_)) {
          MPI_Cancel(&question);
          MPI_Request_free(&question);
          return;
        }
        const bool recent = std::chrono::steady_clock::now() - last_question < kBurst;
        std::this_thread::sleep_for(recent ? std::chrono::microseconds(20) : kIdleLook);
        continue;
      }
      last_question = std::chrono::steady_clock::now();
      const auto [first, count] = grant(want);
      const std::uint64_t message[2] = {first, count};
      // 16 bytes go eagerly: the asker posted its receive before asking.
      MPI_Send(message, 2, MPI_UINT64_T, status.MPI_SOURCE, kGrant, comm_);
      if (count == 0) ++told;
      if (told < ranks_ - 1) MPI_Irecv(&want, 1, MPI_INT, MPI_ANY_SOURCE, kAsk, comm_, &question);
    }
    told_everyone_ = true;
  }

  const MPI_Comm comm_;
  const std::uint64_t jobs_;
  const std::atomic<bool>* const cancel_;
  bool* const abandoned_;
  int ranks_ = 1;
  std::mutex mutex_;
  std::uint64_t next_ = 0;  // guarded by mutex_
  std::atomic<bool> stop_{false};
  bool told_everyone_ = true;  // until the answerer starts; read after join
  std::thread answerer_;
};

// Any other rank: holds a range of granted jobs, and asks rank 0 for more.
class AskingDealer final : public JobDealer {
 public:
  AskingDealer(MPI_Comm comm, int workers, const std::atomic<bool>* cancel, bool* abandoned)
      : comm_(comm), want_(std::max(workers, 1)), cancel_(cancel), abandoned_(abandoned) {}

  ~AskingDealer() override {
    if (asking_) {  // given up mid-wait: the answer, if any, is not wanted
      MPI_Cancel(&answer_);
      MPI_Request_free(&answer_);
    }
  }

  std::optional<std::uint64_t> next() override {
    const std::lock_guard<std::mutex> hold(mutex_);
    while (held_ == 0) {
      if (exhausted_) return std::nullopt;
      if (!asking_) ask();
      await();
    }
    const std::uint64_t job = first_++;
    // Starting on the last job held: ask now, to have the answer in time.
    if (--held_ == 0 && !asking_ && !exhausted_) ask();
    return job;
  }

 private:
  void ask() {
    MPI_Irecv(grant_, 2, MPI_UINT64_T, 0, kGrant, comm_, &answer_);
    MPI_Send(&want_, 1, MPI_INT, 0, kAsk, comm_);
    asking_ = true;
  }

  void await() {
    wait_polling(answer_, cancel_, abandoned_);
    asking_ = false;
    first_ = grant_[0];
    held_ = grant_[1];
    exhausted_ = held_ == 0;
  }

  const MPI_Comm comm_;
  const int want_;
  const std::atomic<bool>* const cancel_;
  bool* const abandoned_;
  std::mutex mutex_;  // guards everything below, and this rank's MPI calls
  MPI_Request answer_ = MPI_REQUEST_NULL;
  std::uint64_t grant_[2] = {0, 0};
  bool asking_ = false;
  bool exhausted_ = false;
  std::uint64_t first_ = 0;
  std::uint64_t held_ = 0;
};

}  // namespace

std::unique_ptr<JobDealer> deal_over_mpi(MPI_Comm comm, std::uint64_t jobs, int workers,
                                         const std::atomic<bool>* cancel, bool* abandoned) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) return std::make_unique<CountingDealer>(comm, jobs, cancel, abandoned);
  return std::make_unique<AskingDealer>(comm, workers, cancel, abandoned);
}

}  // namespace clvsim
