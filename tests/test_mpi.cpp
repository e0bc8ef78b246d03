// clvsim under mpirun (built with CLVSIM_MPI): for K = 1, 2, 3 ranks and
// more ranks than replications, run, sweep, sensitivity and precision
// targets write the same bytes as one process; a checkpoint moves between
// rank counts; one rank failing ends every rank with an error, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "cli_harness.hpp"

namespace clvsim::testing {
namespace {

namespace fs = std::filesystem;

class Mpi : public ::testing::Test {
 protected:
  // `clvsim ARGS` on `ranks` ranks of one thread each, from the scratch
  // directory. --oversubscribe: more ranks than this machine's 2 cores.
  Outcome mpirun(int ranks, const std::string& args) const {
    const std::string launcher = std::string(CLVSIM_MPIEXEC) +
                                 " --oversubscribe --allow-run-as-root -np " +
                                 std::to_string(ranks) + " ";
    return run_shell(launcher + quote(CLVSIM_BINARY) + " " + args);
  }

  // Rank 0 runs `clvsim FIRST`, the next `others` ranks `clvsim REST`.
  Outcome mpmd(const std::string& first, int others, const std::string& rest) const {
    const std::string binary = quote(CLVSIM_BINARY);
    return run_shell(std::string(CLVSIM_MPIEXEC) + " --oversubscribe --allow-run-as-root -np 1 " +
                     binary + " " + first + " : -np " + std::to_string(others) + " " + binary +
                     " " + rest);
  }

  Outcome run_shell(const std::string& command) const {
    const fs::path out = dir_.path() / ".stdout";
    const fs::path err = dir_.path() / ".stderr";
    const std::string full = "cd " + quote(dir_.path().string()) + " && " + command + " >" +
                             quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(full.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    o.out = read_file(out);
    o.err = read_file(err);
    return o;
  }

  static std::string buyer_types(const std::string& rest) {
    return quote(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml") + " --quiet --threads 1 " +
           "--set segments.transactional.customers=3000 --set segments.consultative.customers=2000 "
           "--set segments.strategic.customers=1000 " + rest;
  }

  void expect_same(const fs::path& a, const fs::path& b, const char* file) const {
    const std::string left = read_file(dir_.path() / a / file);
    ASSERT_FALSE(left.empty()) << (a / file);
    EXPECT_EQ(left, read_file(dir_.path() / b / file)) << (b / file);
  }

  TempDir dir_;
};

TEST_F(Mpi, RunIsByteIdenticalOnOneTwoThreeAndMoreRanksThanReplications) {
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + buyer_types("--replications 5 --out alone")).code, 0);
  for (int ranks : {1, 2, 3, 7}) {
    const std::string out = "ranks" + std::to_string(ranks);
    const Outcome o = mpirun(ranks, "run " + buyer_types("--replications 5 --out " + out));
    ASSERT_EQ(o.code, 0) << ranks << " ranks\n" << o.err;
    expect_same("alone", out, "summary.json");
    expect_same("alone", out, "periods.csv");
  }
}

TEST_F(Mpi, RanksOfUnequalWidthShareTheWorkAndAgreeByteForByte) {
  // Rank 0 on one thread, ranks 1 and 2 on two: each asks for as many jobs
  // as it has threads, so grants of 1 and 2 jobs interleave, and whichever
  // rank ran a job, the outputs are one process's.
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + buyer_types("--replications 9 --out alone")).code, 0);
  std::string wide = buyer_types("--replications 9 --out mixed");
  wide.replace(wide.find("--threads 1"), 11, "--threads 2");
  const Outcome o = mpmd("run " + buyer_types("--replications 9 --out mixed"), 2, "run " + wide);
  ASSERT_EQ(o.code, 0) << o.err;
  expect_same("alone", "mixed", "summary.json");
  expect_same("alone", "mixed", "periods.csv");
}

TEST_F(Mpi, ARankWhoseCommandLineFailsOrDiffersEndsEveryRank) {
  // Every rank meets right after parsing, so no rank is left waiting.
  const std::string good = "run " + buyer_types("--replications 2 --out out");
  const auto started = std::chrono::steady_clock::now();
  Outcome o = mpmd(good, 2, "run --no-such-option " + buyer_types("--out out"));
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("rank 1 of 3"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("--no-such-option"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("does not parse"), std::string::npos) << o.err;
  o = mpmd(good, 1, "validate " + quote(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml"));
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("rank 1 was given a different command"), std::string::npos) << o.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
  EXPECT_FALSE(fs::exists(dir_.path() / "out"));
}

TEST_F(Mpi, OneReplicationSplitIntoPartsOfItsSegmentsIsByteIdentical) {
  // 1 replication x 3 segments on 4 and 7 ranks: each segment's block tree
  // is cut into parts that different ranks simulate.
  const std::string args = "run " + buyer_types("--replications 1 --set segments.transactional."
                                                "customers=30000 --out ");
  ASSERT_EQ(run_clvsim(dir_.path(), args + "alone").code, 0);
  for (int ranks : {4, 7}) {
    const std::string out = "ranks" + std::to_string(ranks);
    const Outcome o = mpirun(ranks, args + out);
    ASSERT_EQ(o.code, 0) << o.err;
    expect_same("alone", out, "summary.json");
    expect_same("alone", out, "periods.csv");
  }
}

TEST_F(Mpi, BudgetedStrategiesAreByteIdentical) {
  const std::string args = "run " + quote(CLVSIM_SOURCE_DIR "/scenarios/value_first.yaml") +
                           " --quiet --threads 1 --replications 3 --out ";
  ASSERT_EQ(run_clvsim(dir_.path(), args + "alone").code, 0);
  const Outcome o = mpirun(2, args + "ranks2");
  ASSERT_EQ(o.code, 0) << o.err;
  expect_same("alone", "ranks2", "summary.json");
  expect_same("alone", "ranks2", "periods.csv");
}

TEST_F(Mpi, SweepIsByteIdenticalOnTwoAndThreeRanks) {
  const std::string sweep =
      "sweep " + buyer_types("--replications 4 --vary treatments.consultative.cost=2:10:4 --out ");
  ASSERT_EQ(run_clvsim(dir_.path(), sweep + "alone").code, 0);
  for (int ranks : {2, 3}) {
    const std::string out = "ranks" + std::to_string(ranks);
    const Outcome o = mpirun(ranks, sweep + out);
    ASSERT_EQ(o.code, 0) << o.err;
    expect_same("alone", out, "sweep.csv");
    for (const char* point : {"001", "002", "003"}) {
      expect_same(fs::path("alone") / "points" / point, fs::path(out) / "points" / point,
                  "summary.json");
      expect_same(fs::path("alone") / "points" / point, fs::path(out) / "points" / point,
                  "periods.csv");
    }
  }
}

TEST_F(Mpi, SensitivityAndPrecisionTargetsAreByteIdentical) {
  const std::string sensitivity =
      "sensitivity " + buyer_types("--replications 4 --only treatments.consultative.cost,"
                                   "segments.strategic.revenue.mean --out ");
  ASSERT_EQ(run_clvsim(dir_.path(), sensitivity + "s1").code, 0);
  const Outcome s = mpirun(2, sensitivity + "s2");
  ASSERT_EQ(s.code, 0) << s.err;
  expect_same("s1", "s2", "sensitivity.csv");

  const std::string precision = "run " + buyer_types("--precision 1% --batch 3 --out ");
  ASSERT_EQ(run_clvsim(dir_.path(), precision + "p1").code, 0);
  const Outcome p = mpirun(3, precision + "p3");
  ASSERT_EQ(p.code, 0) << p.err;
  expect_same("p1", "p3", "summary.json");
  expect_same("p1", "p3", "periods.csv");
  // Stopped after the same number of batches, more than one.
  const std::string met = "replications\": ";
  const std::string r1 = read_file(dir_.path() / "p1" / "summary.json");
  EXPECT_EQ(r1.find(met + "3,"), std::string::npos) << r1.substr(0, 300);
}

TEST_F(Mpi, CheckpointWrittenOnTwoRanksResumesOnThree) {
  ASSERT_EQ(mpirun(2, "run " + buyer_types("--replications 6 --checkpoint ck --out first")).code,
            0);
  const Outcome o = mpirun(3, "run " + buyer_types("--replications 11 --checkpoint ck --out more"));
  ASSERT_EQ(o.code, 0) << o.err;
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + buyer_types("--replications 11 --out alone")).code, 0);
  expect_same("alone", "more", "summary.json");
  expect_same("alone", "more", "periods.csv");
}

TEST_F(Mpi, CtrlCToMpirunSavesTheCheckpointOnRankZero) {
  // SIGINT to mpirun reaches every rank as SIGTERM: rank 0 saves the
  // chunks completed so far, and the run resumes from them on one process.
  const std::string args =
      "run " + buyer_types("--replications 4000 --checkpoint ck --checkpoint-every 1000 --out out");
  const std::string script = std::string(CLVSIM_MPIEXEC) +
                             " --oversubscribe --allow-run-as-root -np 2 " +
                             quote(CLVSIM_BINARY) + " " + args +
                             " & pid=$!; sleep 3; kill -INT $pid; wait $pid";
  const Outcome o = run_shell("bash -c " + quote(script));
  EXPECT_NE(o.code, 0);
  EXPECT_FALSE(fs::exists(dir_.path() / "out"));
  const std::string checkpoint = read_file(dir_.path() / "ck");
  const std::size_t at = checkpoint.find("\nreplications ");
  ASSERT_NE(at, std::string::npos) << o.err;
  const int saved = std::stoi(checkpoint.substr(at + 14));
  ASSERT_GT(saved, 0);
  ASSERT_LT(saved, 4000);
  const std::string more = std::to_string(saved + 2);
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + buyer_types("--replications " + more +
                                                          " --checkpoint ck --out resumed")).code,
            0);
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + buyer_types("--replications " + more +
                                                          " --out straight")).code,
            0);
  expect_same("straight", "resumed", "summary.json");
  expect_same("straight", "resumed", "periods.csv");
}

TEST_F(Mpi, OneFailingRankEndsEveryRankWithAnError) {
  // Rank 1 alone cannot read its scenario.
  const std::string good = quote(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml");
  const std::string script = "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then exec " +
                             quote(CLVSIM_BINARY) + " run missing.yaml --out out; else exec " +
                             quote(CLVSIM_BINARY) + " run " + good + " --out out; fi";
  const auto started = std::chrono::steady_clock::now();
  const Outcome o = run_shell(std::string(CLVSIM_MPIEXEC) +
                              " --oversubscribe --allow-run-as-root -np 3 sh -c " + quote(script));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_LT(seconds, 30.0);
  EXPECT_NE(o.err.find("clvsim (rank 1 of 3): missing.yaml: cannot open the file"),
            std::string::npos) << o.err;
  EXPECT_NE(o.err.find("rank 1: failed before the run"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "out"));
}

TEST_F(Mpi, RanksWithDifferentScenariosAreRefused) {
  const std::string good = quote(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml");
  const std::string script = "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then exec " +
                             quote(CLVSIM_BINARY) + " run " + good +
                             " --seed 2 --out out; else exec " +
                             quote(CLVSIM_BINARY) + " run " + good + " --out out; fi";
  const Outcome o = run_shell(std::string(CLVSIM_MPIEXEC) +
                              " --oversubscribe --allow-run-as-root -np 2 sh -c " + quote(script));
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("loaded a different scenario"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "out"));
}

}  // namespace
}  // namespace clvsim::testing
