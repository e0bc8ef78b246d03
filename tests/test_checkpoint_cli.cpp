// run --checkpoint from outside, as a user meets it: a run killed with
// SIGKILL after its first checkpoint and run again equals a straight run
// byte for byte; SIGINT saves, exits 130 and writes no output; a checkpoint
// of a changed scenario is refused with exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <utility>

#include "cli_harness.hpp"

namespace clvsim::testing {
namespace {

namespace fs = std::filesystem;

class CheckpointCli : public ::testing::Test {
 protected:
  // buyer_types at 20,000 customers per segment: about 30 ms a replication
  // on one core, so a 40-replication run is still going when it is killed.
  std::string run_args(int replications, const std::string& out,
                       const std::string& extra = "") const {
    std::string args = "run " + quote(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml") +
                       " --quiet --replications " + std::to_string(replications) + " --out " + out;
    for (const char* segment : {"transactional", "consultative", "strategic"}) {
      args += std::string(" --set segments.") + segment + ".customers=20000";
    }
    return args + " " + extra;
  }

  // Starts `args` in the background, waits until `ready` (a shell test)
  // holds, sends `signal`, and returns the exit status.
  int interrupt_when(const std::string& args, const std::string& ready,
                     const std::string& signal) {
    const std::string script =
        "cd " + quote(dir_.path().string()) + " || exit 1; " + quote(CLVSIM_BINARY) + " " +
        args + " 2>interrupted.err & pid=$!; i=0; until " + ready +
        " || [ $i -ge 6000 ]; do sleep 0.01; i=$((i+1)); done; kill -" + signal +
        " $pid; wait $pid";
    const int status = std::system(("bash -c " + quote(script)).c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // The replication count a checkpoint file says it holds.
  int saved_replications() const {
    const std::string text = read_file(dir_.path() / "ck");
    std::smatch m;
    const std::regex line("\nreplications ([0-9]+)\n");
    return std::regex_search(text, m, line) ? std::stoi(m[1]) : -1;
  }

  void expect_same_outputs(const std::string& a, const std::string& b) const {
    for (const char* file : {"summary.json", "periods.csv"}) {
      const std::string left = read_file(dir_.path() / a / file);
      EXPECT_FALSE(left.empty()) << a << "/" << file;
      EXPECT_EQ(left, read_file(dir_.path() / b / file)) << file;
    }
  }

  TempDir dir_;
};

TEST_F(CheckpointCli, KilledRunResumesToTheSameBytes) {
  ASSERT_EQ(run_clvsim(dir_.path(), run_args(40, "straight")).code, 0);

  // bash reports a child killed by SIGKILL as 128 + 9.
  EXPECT_EQ(interrupt_when(run_args(40, "killed", "--checkpoint ck --checkpoint-every 0"),
                           "[ -f ck ]", "KILL"),
            137);
  const int saved = saved_replications();
  ASSERT_GT(saved, 0);
  ASSERT_LT(saved, 40) << "the run finished before it was killed";
  EXPECT_FALSE(fs::exists(dir_.path() / "killed" / "summary.json"));

  const Outcome resumed = run_clvsim(dir_.path(), run_args(40, "resumed", "--checkpoint ck"));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  expect_same_outputs("straight", "resumed");
  EXPECT_EQ(saved_replications(), 40);  // saved again at the end
}

TEST_F(CheckpointCli, InterruptSavesExits130AndWritesNoOutput) {
  // Nothing is saved before the signal (--checkpoint-every 1000): the
  // signal saves the chunks completed in the first two seconds.
  EXPECT_EQ(interrupt_when(run_args(400, "out", "--checkpoint ck --checkpoint-every 1000"),
                           "[ $i -ge 200 ]", "INT"),
            130);
  EXPECT_TRUE(!fs::exists(dir_.path() / "out") || fs::is_empty(dir_.path() / "out"));
  const int saved = saved_replications();
  EXPECT_GT(saved, 0);
  EXPECT_LT(saved, 400);
  const std::string err = read_file(dir_.path() / "interrupted.err");
  EXPECT_NE(err.find("interrupted; no outputs written"), std::string::npos) << err;
}

TEST_F(CheckpointCli, ChangedScenarioIsRefused) {
  ASSERT_EQ(run_clvsim(dir_.path(), run_args(4, "first", "--checkpoint ck")).code, 0);
  const Outcome o = run_clvsim(
      dir_.path(), run_args(8, "second", "--checkpoint ck --set treatments.consultative.cost=9"));
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("ck: ", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("different scenario"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("cost: 9"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "second"));
  EXPECT_EQ(saved_replications(), 4);  // untouched
}

TEST_F(CheckpointCli, BadCheckpointOptionsAreRefusedBeforeRunning) {
  // A place it cannot write is an I/O failure (1), the rest bad input (2).
  for (const auto& [extra, code] : {std::pair{std::string("--checkpoint-every 5"), 2},
                                    std::pair{std::string("--checkpoint . "), 2},
                                    std::pair{std::string("--checkpoint no/such/dir/ck"), 1},
                                    std::pair{std::string("--checkpoint ck --checkpoint-every -1"), 2}}) {
    const Outcome o = run_clvsim(dir_.path(), run_args(4, "out", extra));
    EXPECT_EQ(o.code, code) << extra << "\n" << o.err;
    EXPECT_EQ(o.err.rfind("--checkpoint", 0), 0u) << o.err;
    EXPECT_FALSE(fs::exists(dir_.path() / "out")) << extra;
  }
}

}  // namespace
}  // namespace clvsim::testing
