// Progress on long runs: the engine's counters add up to the totals given
// up front and never change results; the display's formatting; and the
// program end to end: a bar on a terminal (a pseudo-terminal made by
// util-linux `script`), nothing with --quiet, throttled plain lines when
// stderr is a file, byte-identical outputs either way, and a clean SIGINT.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/precision.hpp"
#include "clvsim/progress.hpp"
#include "clvsim/simulation.hpp"
#include "progress_display.hpp"
#include "scenario_fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using namespace clvsim;
using namespace clvsim::testing;
using clvsim::cli::bar_line;
using clvsim::cli::format_clock;
using clvsim::cli::format_rate;
using clvsim::cli::format_words;
using clvsim::cli::plain_line;
using clvsim::cli::ProgressSnapshot;

// Two segments (one of several blocks, one with a fixed acquisition each
// period), a ladder, and three strategies, one of them a twin of another on
// one segment (copied, not simulated).
Scenario two_segments(std::uint32_t replications) {
  Scenario sc = single_segment("progress", sbg_segment(9000, 0.8, 4, 50, 0.3, 1.0), 18,
                               replications, 4242, 0.01);
  Segment small = geometric_segment(1500, 0.05, 20, 0.5, 0.5);
  small.name = "small";
  small.acquisition = Acquisition{40, false};
  add_segment(sc, small);
  set_ladder(sc, {1.0, 0.8, 0.6}, {1.0, 1.1, 1.3}, 0, 0.04, 0.02);
  const int call = add_treatment(sc, "call", 5.0);
  const int mail = add_treatment(sc, "mail", 0.5);
  for (int g = 0; g < 2; ++g) {
    sc.response[g][call] = {0.8, 1.05, 0.1, std::nullopt};
    sc.response[g][mail] = {0.95, 1.0, std::nullopt, std::nullopt};
  }
  add_strategy(sc, "call-all", {call, call});
  add_strategy(sc, "mail-first", {mail, 0});
  return sc;
}

void expect_same_outputs(const Results& a, const Results& b) {
  EXPECT_EQ(summary_json(a), summary_json(b));
  EXPECT_EQ(periods_csv(a), periods_csv(b));
}

// ---------------------------------------------------------------- engine --

TEST(ProgressCounters, AddUpToTheTotalsAndChangeNothing) {
  const Scenario sc = two_segments(6);
  RunProgress progress;
  const Results with = run_simulation(sc, {.threads = 2, .progress = &progress});
  const Results without = run_simulation(sc, {.threads = 2});
  expect_same_outputs(with, without);

  // No Poisson acquisition: the expected slots are the slots.
  EXPECT_GT(progress.work_total.load(), 0u);
  EXPECT_EQ(progress.work_done.load(), progress.work_total.load());
  EXPECT_EQ(progress.work_total.load(), progress_work(sc, 6));
  EXPECT_EQ(progress.replications_done.load(), 6u);
  EXPECT_EQ(progress.replications_total.load(), 6u);
  EXPECT_EQ(static_cast<double>(progress.active_customer_periods.load()),
            with.statistics.active_customer_periods);
}

TEST(ProgressCounters, WorkIsCustomersTimesPeriodsTimesSimulatedStrategies) {
  Scenario sc = two_segments(3);
  // Cohorts: 9000, and 1500 + 40 x 17 arrivals; 18 periods. On the first
  // segment all three strategies are simulated; on the second,
  // mail-first gives "none" like status-quo (a twin), so two are.
  const std::uint64_t expected = (9000ull * 18 * 3 + (1500ull + 40 * 17) * 18 * 2) * 3;
  EXPECT_EQ(progress_work(sc, 3), expected);
}

TEST(ProgressCounters, BudgetPassCountsPeriodByPeriod) {
  Scenario sc = two_segments(4);
  sc.strategies.back().budget = Budget{300.0, ValueScore::value_so_far};
  RunProgress progress;
  const Results with = run_simulation(sc, {.threads = 2, .progress = &progress});
  expect_same_outputs(with, run_simulation(sc, {.threads = 1}));
  EXPECT_EQ(progress.work_done.load(), progress.work_total.load());
  EXPECT_EQ(progress.replications_done.load(), 4u);
  EXPECT_EQ(static_cast<double>(progress.active_customer_periods.load()),
            with.statistics.active_customer_periods);
}

TEST(ProgressCounters, PoissonAcquisitionEndsNearTheExpectedTotal) {
  Scenario sc = two_segments(8);
  sc.segments[1].acquisition = Acquisition{300, true};
  RunProgress progress;
  run_simulation(sc, {.threads = 2, .progress = &progress});
  const double done = static_cast<double>(progress.work_done.load());
  const double total = static_cast<double>(progress.work_total.load());
  EXPECT_NEAR(done / total, 1.0, 0.02);
}

TEST(ProgressCounters, ScenariosSideBySideShareOneObject) {
  std::vector<Scenario> scenarios{two_segments(3), two_segments(5)};
  scenarios[1].segments[0].revenue.mean = 70;
  RunProgress progress;
  const auto with = run_scenarios(scenarios, {.threads = 2, .progress = &progress});
  const auto without = run_scenarios(scenarios, {.threads = 2});
  ASSERT_EQ(with.size(), 2u);
  for (std::size_t i = 0; i < with.size(); ++i) expect_same_outputs(with[i], without[i]);
  EXPECT_EQ(progress.scenarios_done.load(), 2u);
  EXPECT_EQ(progress.scenarios_total.load(), 2u);
  EXPECT_EQ(progress.replications_done.load(), 8u);
  EXPECT_EQ(progress.work_total.load(), progress_work(scenarios[0], 3) + progress_work(scenarios[1], 5));
  EXPECT_EQ(progress.work_done.load(), progress.work_total.load());
}

TEST(ProgressCounters, PrecisionRunsCountTowardsTheirMost) {
  const Scenario sc = two_segments(1);
  PrecisionTarget target;
  target.half_width = 0.02;
  target.relative = true;
  target.batch = 4;
  target.max_replications = 40;
  RunProgress progress;
  const Results with = run_to_precision(sc, {.threads = 2, .progress = &progress}, target);
  expect_same_outputs(with, run_to_precision(sc, {.threads = 2}, target));
  EXPECT_EQ(progress.replications_total.load(), 40u);
  EXPECT_EQ(progress.replications_done.load(), with.replications);
  EXPECT_EQ(progress.work_total.load(), progress_work(sc, 40));
  EXPECT_EQ(progress.work_done.load(), progress_work(sc, with.replications));
}

// ------------------------------------------------------------ formatting --

TEST(ProgressFormat, Clock) {
  EXPECT_EQ(format_clock(0), "0:00");
  EXPECT_EQ(format_clock(12), "0:12");
  EXPECT_EQ(format_clock(12.4), "0:12");
  EXPECT_EQ(format_clock(59.6), "1:00");
  EXPECT_EQ(format_clock(62), "1:02");
  EXPECT_EQ(format_clock(605), "10:05");
  EXPECT_EQ(format_clock(3723), "1:02:03");
  EXPECT_EQ(format_clock(36000), "10:00:00");
  EXPECT_EQ(format_clock(1e9), ">99h");
  EXPECT_EQ(format_clock(-1), "--:--");
  EXPECT_EQ(format_clock(NAN), "--:--");
}

TEST(ProgressFormat, Words) {
  EXPECT_EQ(format_words(12), "12 s");
  EXPECT_EQ(format_words(240), "4 min");
  EXPECT_EQ(format_words(7500), "2 h 05 min");
  EXPECT_EQ(format_words(-1), "");
}

TEST(ProgressFormat, RatesWithSuffixes) {
  EXPECT_EQ(format_rate(0), "0");
  EXPECT_EQ(format_rate(950), "950");
  EXPECT_EQ(format_rate(999.4), "999");
  EXPECT_EQ(format_rate(999.6), "1.00 k");
  EXPECT_EQ(format_rate(12345), "12.3 k");
  EXPECT_EQ(format_rate(512000), "512 k");
  EXPECT_EQ(format_rate(1.2e6), "1.20 M");
  EXPECT_EQ(format_rate(96.3e6), "96.3 M");
  EXPECT_EQ(format_rate(999.7e3), "1.00 M");
  EXPECT_EQ(format_rate(2.5e9), "2.50 G");
  EXPECT_EQ(format_rate(-1), "--");
}

TEST(ProgressFormat, Bar) {
  EXPECT_EQ(cli::progress_bar(0.47, 20), "[#########...........]");
  EXPECT_EQ(cli::progress_bar(0, 10), "[..........]");
  EXPECT_EQ(cli::progress_bar(0.999, 10), "[#########.]");
  EXPECT_EQ(cli::progress_bar(1, 10), "[##########]");
  EXPECT_EQ(cli::progress_bar(1.5, 4), "[####]");
  EXPECT_EQ(cli::progress_bar(-1, 4), "[....]");
  for (int width : {0, 1, 7, 40}) EXPECT_EQ(cli::progress_bar(0.5, width).size(), width + 2u);
}

ProgressSnapshot typical() {
  ProgressSnapshot s;
  s.fraction = 0.47;
  s.done = 30;
  s.total = 64;
  s.noun = "replications";
  s.rate = 96.3e6;
  s.eta_seconds = 12;
  return s;
}

TEST(ProgressFormat, BarLineFitsTheTerminal) {
  const ProgressSnapshot s = typical();
  EXPECT_EQ(bar_line(s, 120),
            "[##################......................]  47% | 30/64 replications | "
            "96.3 M customer-periods/s | ETA 0:12");
  for (int columns : {20, 40, 60, 79, 80, 100, 200, 1000}) {
    const std::string line = bar_line(s, columns);
    EXPECT_LE(line.size(), static_cast<std::size_t>(columns - 1)) << columns;
    for (char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << columns;
  }
  // A usual terminal keeps the count and a bar.
  const std::string at80 = bar_line(s, 80);
  EXPECT_EQ(at80.front(), '[');
  EXPECT_NE(at80.find("30/64 replications"), std::string::npos) << at80;
  EXPECT_NE(at80.find("customer-periods/s"), std::string::npos) << at80;
  // The bar keeps its width as the ETA shortens.
  ProgressSnapshot later = s;
  later.eta_seconds = -1;
  EXPECT_EQ(bar_line(later, 80).find(']'), at80.find(']'));
}

TEST(ProgressFormat, UpperBoundHasNoBarAndSaysMax) {
  ProgressSnapshot s = typical();
  s.upper_bound = true;
  s.total = 1024;
  const std::string line = bar_line(s, 100);
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_NE(line.find("30 of max 1024 replications"), std::string::npos) << line;
  EXPECT_NE(line.find("max ETA 0:12"), std::string::npos) << line;
  EXPECT_EQ(plain_line(s),
            "clvsim: 30 of at most 1024 replications done, 96.3 M customer-periods/s, "
            "about 12 s left if all 1024 replications run");
}

TEST(ProgressFormat, PlainLine) {
  EXPECT_EQ(plain_line(typical()),
            "clvsim: 47% done (30 of 64 replications), 96.3 M customer-periods/s, about 12 s left");
  ProgressSnapshot early;
  early.noun = "points";
  EXPECT_EQ(plain_line(early), "clvsim: running, -- customer-periods/s");
}

// ------------------------------------------------------------ end to end --

class ProgressCli : public ::testing::Test {
 protected:
  static std::string scenario() {
    return quote(std::string(CLVSIM_SOURCE_DIR) + "/scenarios/buyer_types.yaml");
  }
  // Runs `args` on a pseudo-terminal (stdin too, so TERM matters) with
  // stdout discarded: returns what the terminal showed, and the exit code.
  Outcome on_terminal(const std::string& args, const std::string& term = "xterm") {
    const fs::path shown = dir_.path() / ".terminal";
    const std::string inner = "TERM=" + term + " " + quote(CLVSIM_BINARY) + " " + args + " >/dev/null";
    const std::string command = "cd " + quote(dir_.path().string()) + " && script -qfec " +
                                quote(inner) + " /dev/null </dev/null >" + quote(shown.string());
    const int status = std::system(command.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.err = read_file(shown);
    return o;
  }
  void SetUp() override {
    if (std::system("command -v script >/dev/null 2>&1") != 0) {
      // util-linux (bsdutils, Essential in Debian) provides it: never skip.
      GTEST_FAIL() << "util-linux script is needed for a pseudo-terminal";
    }
  }
  bool same_outputs(const std::string& a, const std::string& b) {
    for (const char* file : {"summary.json", "periods.csv"}) {
      const std::string x = read_file(dir_.path() / a / file);
      if (x.empty() || x != read_file(dir_.path() / b / file)) return false;
    }
    return true;
  }
  TempDir dir_;
};

TEST_F(ProgressCli, BarOnATerminalNothingWithQuietSameOutputs) {
  const std::string run = "run " + scenario() + " --replications 32 --threads 2 --out ";
  const Outcome bar = on_terminal(run + "tty");
  ASSERT_EQ(bar.code, 0) << bar.err;
  EXPECT_NE(bar.err.find("clvsim: scenario buyer-types"), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find('\r'), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find("%"), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find("] "), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find("customer-periods/s"), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find("/32 replications"), std::string::npos) << bar.err;
  for (char c : bar.err) EXPECT_TRUE(static_cast<unsigned char>(c) < 0x80);
  // Cleared at the end: the last bar is overwritten with spaces before the
  // closing line is written.
  const std::size_t wrote = bar.err.find("wrote ");
  ASSERT_NE(wrote, std::string::npos) << bar.err;
  const std::size_t last_bar = bar.err.rfind("customer-periods/s");
  ASSERT_LT(last_bar, wrote);
  const std::string between = bar.err.substr(last_bar, wrote - last_bar);
  EXPECT_NE(between.find("\r       "), std::string::npos) << between;
  EXPECT_EQ(between.back(), '\r');

  const Outcome quiet = on_terminal(run + "quiet --quiet");
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");

  // TERM=dumb is not a terminal to draw on: plain lines, none for a short
  // run (this one could outlast kPlainInterval only on a crawling machine).
  const Outcome dumb = on_terminal(run + "dumb", "dumb");
  ASSERT_EQ(dumb.code, 0) << dumb.err;
  EXPECT_EQ(dumb.err.find("customer-periods/s |"), std::string::npos) << dumb.err;
  EXPECT_EQ(dumb.err.find("\r "), std::string::npos) << dumb.err;

  EXPECT_TRUE(same_outputs("tty", "quiet"));
  EXPECT_TRUE(same_outputs("tty", "dumb"));
}

TEST_F(ProgressCli, PlainLinesAtMostOncePerIntervalWhenNotATerminal) {
  // A run of several seconds with stderr in a file (half a minute or more
  // under the sanitizers).
  const auto started = std::chrono::steady_clock::now();
  const Outcome o = run_clvsim(dir_.path(), "run " + scenario() +
                                                " --replications 320 --threads 2 --out plain");
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err.find('\r'), std::string::npos) << o.err;
  int lines = 0;
  std::istringstream in(o.err);
  for (std::string line; std::getline(in, line);) {
    if (line.find("customer-periods/s") == std::string::npos) continue;
    ++lines;
    EXPECT_EQ(line.rfind("clvsim: ", 0), 0u) << line;
    EXPECT_NE(line.find("% done ("), std::string::npos) << line;
    EXPECT_NE(line.find(" of 320 replications)"), std::string::npos) << line;
  }
  // The first line comes after one interval and each next one at least an
  // interval later, so this bounds the count whatever the machine's speed.
  const double interval = std::chrono::duration<double>(cli::kPlainInterval).count();
  EXPECT_LE(lines * interval, elapsed + 0.25) << lines << " lines in " << elapsed << " s\n" << o.err;
  // And a long run is not silent (the reporter wakes on time even on a
  // loaded machine; 3 intervals leave plenty of room for startup and output).
  if (elapsed > 3 * interval) {
    EXPECT_GE(lines, 1) << o.err;
  }

  // (Outputs with and without progress: the terminal test above, whose
  // TERM=dumb run takes this plain path.)
}

TEST_F(ProgressCli, SweepShowsPointsAndPrecisionKeepsItsBatchLines) {
  const Outcome sweep = on_terminal("sweep " + scenario() +
                                    " --vary treatments.consultative.cost=6,9 --replications 16 "
                                    "--threads 2 --out sweep");
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  EXPECT_NE(sweep.err.find("/2 points"), std::string::npos) << sweep.err;
  EXPECT_EQ(sweep.err.find("points done"), std::string::npos) << sweep.err;

  const Outcome precision = on_terminal("run " + scenario() +
                                        " --precision 1% --batch 4 --threads 2 --out precision");
  ASSERT_EQ(precision.code, 0) << precision.err;
  // Every batch line starts on a fresh line: a bar before it is cleared.
  int batches = 0;
  for (std::size_t at = precision.err.find(" replications: widest"); at != std::string::npos;
       at = precision.err.find(" replications: widest", at + 1)) {
    ++batches;
    const std::size_t start = precision.err.rfind("clvsim: ", at);
    ASSERT_NE(start, std::string::npos);
    ASSERT_GT(start, 0u);
    const char before = precision.err[start - 1];
    EXPECT_TRUE(before == '\r' || before == '\n') << precision.err;
  }
  EXPECT_GE(batches, 1) << precision.err;
}

TEST_F(ProgressCli, InterruptOnATerminalStopsCleanly) {
  // SIGINT a million-replication run a second in: exit 130, the bar cleared
  // before the message, no outputs, no hang.
  const fs::path shown = dir_.path() / ".terminal";
  const std::string inner = "TERM=xterm " + quote(CLVSIM_BINARY) + " run " + scenario() +
                            " --replications 1000000 --threads 2 --out out >/dev/null & pid=$!;"
                            " sleep 1; kill -INT $pid; wait $pid";
  const std::string command = "cd " + quote(dir_.path().string()) + " && timeout 60 script -qfec " +
                              quote(inner) + " /dev/null </dev/null >" + quote(shown.string());
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string text = read_file(shown);
  const std::size_t message = text.find("clvsim: interrupted");
  ASSERT_NE(message, std::string::npos) << text;
  ASSERT_GT(message, 0u);
  EXPECT_TRUE(text[message - 1] == '\r' || text[message - 1] == '\n') << text;
  EXPECT_TRUE(!fs::exists(dir_.path() / "out") || fs::is_empty(dir_.path() / "out"));
}

}  // namespace
