// clvsim sweep end to end: every point equals `clvsim run --set` with the
// same values byte for byte, bad points fail before anything runs, and a
// rerun replaces the points of an earlier sweep instead of mixing with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli_harness.hpp"

namespace clvsim::testing {
namespace {

const std::string kScenario = std::string(CLVSIM_SOURCE_DIR) + "/scenarios/buyer_types.yaml";

// Small enough to run in a second: a tenth of the customers, 12 periods.
const std::string kSmall =
    " --replications 6 --set horizon=12 --set segments.transactional.customers=4000"
    " --set segments.consultative.customers=1500 --set segments.strategic.customers=150";

class SweepCommand : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(SweepCommand, EveryPointEqualsARunWithTheSameSettings) {
  const Outcome o = run_clvsim(
      dir_.path(), "sweep " + quote(kScenario) + kSmall +
                       " --vary treatments.consultative.cost=4:8:4"
                       " --vary segments.strategic.margin=0.3,0.4 --out sweep --threads 2");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("treatments.consultative.cost"), std::string::npos) << o.out;
  const std::string csv = read_file(dir_.path() / "sweep" / "sweep.csv");
  // 4 points x 3 strategies x (3 segments + total), plus the header
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 * 3 * 4);

  const std::pair<const char*, const char*> points[] = {
      {"001", "--set treatments.consultative.cost=4 --set segments.strategic.margin=0.3"},
      {"004", "--set treatments.consultative.cost=8 --set segments.strategic.margin=0.4"}};
  for (const auto& [point, sets] : points) {
    const Outcome run = run_clvsim(dir_.path(), "run " + quote(kScenario) + kSmall + " " +
                                                    sets + " --out run --quiet --threads 1");
    ASSERT_EQ(run.code, 0) << run.err;
    for (const char* file : {"summary.json", "periods.csv"}) {
      EXPECT_EQ(read_file(dir_.path() / "sweep" / "points" / point / file),
                read_file(dir_.path() / "run" / file))
          << point << "/" << file;
    }
  }
}

TEST_F(SweepCommand, ZipPairsValuesAndARerunLeavesNoStalePoints) {
  ASSERT_EQ(run_clvsim(dir_.path(), "sweep " + quote(kScenario) + kSmall +
                                        " --vary discount_rate=0.004:0.012:0.004 --out s --quiet")
                .code,
            0);
  EXPECT_TRUE(fs::exists(dir_.path() / "s" / "points" / "003"));
  const Outcome o = run_clvsim(dir_.path(), "sweep " + quote(kScenario) + kSmall +
                                                " --zip --vary discount_rate=0.004,0.008"
                                                " --vary horizon=6,9 --out s --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_.path() / "s" / "points" / "002" / "summary.json"));
  EXPECT_FALSE(fs::exists(dir_.path() / "s" / "points" / "003"));
  const std::string csv = read_file(dir_.path() / "s" / "sweep.csv");
  EXPECT_NE(csv.find("\n2,0.008,9,"), std::string::npos) << csv.substr(0, 400);
}

TEST_F(SweepCommand, BadInputExitsWithTwoBeforeAnythingRuns) {
  const std::pair<const char*, const char*> cases[] = {
      // the last point's value is out of range: named with its point
      {"--vary segments.strategic.margin=0.4,1.5", "sweep point 2"},
      {"--vary segments.nobody.margin=0.4", "segments.nobody"},
      {"--vary segments.strategic.margin=0.4:0.2:0.1", "--vary"},
      {"--zip --vary horizon=6,9 --vary discount_rate=0.01", "--vary"},
      {"", "--vary"},
  };
  for (const auto& [args, needle] : cases) {
    const Outcome o =
        run_clvsim(dir_.path(), "sweep " + quote(kScenario) + kSmall + " " + args + " --out bad");
    EXPECT_EQ(o.code, 2) << args << "\n" << o.err;
    EXPECT_NE(o.err.find(needle), std::string::npos) << args << "\n" << o.err;
    EXPECT_FALSE(fs::exists(dir_.path() / "bad")) << args;
  }
}

TEST_F(SweepCommand, InterruptStopsEveryPointWithExit130AndNoOutput) {
  // Far too long to finish: SIGINT after a second must stop all points.
  const std::string command =
      "cd " + quote(dir_.path().string()) + " && (" + quote(CLVSIM_BINARY) + " sweep " +
      quote(kScenario) + " --replications 100000 --vary horizon=6,9,12,18 --quiet --out out &" +
      " pid=$!; sleep 1; kill -INT $pid; wait $pid)";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(!fs::exists(dir_.path() / "out") || fs::is_empty(dir_.path() / "out"));
}

}  // namespace
}  // namespace clvsim::testing
