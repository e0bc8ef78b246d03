// The clvsim program end to end: commands, exit codes, error reporting, and
// that summary.json/periods.csv do not depend on --threads (SPEC 2, 5, 6).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace {

namespace fs = std::filesystem;
using namespace clvsim::testing;

// Two segments with every source of randomness the engine has:
// heterogeneity, period noise, Beta churn, Poisson acquisition and ladder
// moves, so thread-count independence is tested where it can break.
const char* const kScenario = R"(name: cli-determinism
horizon: 12
period: month
discount_rate: 0.01
simulation:
  replications: 8
  seed: 20240601
segments:
  - name: steady
    customers: 1200
    churn:
      geometric: 0.05
    revenue:
      mean: 40
      heterogeneity: 3
      noise: 2
    margin: 0.3
    cost_to_serve: 1
    acquisition:
      per_period: 30
      poisson: true
  - name: fickle
    customers: 800
    churn:
      sbg: {alpha: 0.8, beta: 3}
    revenue:
      mean: 25
      heterogeneity: 2
    margin: 0.5
treatments:
  - name: call
    cost: 2
response:
  fickle:
    call: {churn: 0.8, up: 0.05}
  steady:
    call: {churn: 1.1, revenue: 0.95}
relationship:
  levels: [product, solution, trust]
  start: product
  churn: [1.0, 0.8, 0.6]
  revenue: [1.0, 1.1, 1.3]
  up: 0.02
  down: 0.01
strategies:
  - name: nothing
    assign: {default: none}
  - name: call-fickle
    assign: {fickle: call}
compare:
  baseline: nothing
)";

class Cli : public testing::Test {
 protected:
  void SetUp() override { write_file(scenario_, kScenario); }

  std::string scenario() const { return quote(scenario_.string()); }

  TempDir dir_;
  fs::path scenario_ = dir_.path() / "scenario.yaml";
};

TEST_F(Cli, Version) {
  const Outcome o = run_clvsim(dir_.path(), "--version");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("clvsim ", 0), 0u) << o.out;
  EXPECT_GT(o.out.size(), std::string("clvsim \n").size());
  EXPECT_EQ(o.out.back(), '\n');
}

TEST_F(Cli, HelpDocumentsEveryCommandAndOption) {
  const Outcome o = run_clvsim(dir_.path(), "--help");
  EXPECT_EQ(o.code, 0) << o.err;
  for (const char* needle :
       {"run", "validate", "sweep", "sensitivity", "fit", "sbg", "--out", "--threads",
        "--seed", "--replications", "--set", "--quiet", "--version", "--help", "clvsim-out",
        "--precision", "--max-replications", "--vary", "--zip", "--delta", "--metric",
        "--only", "--periods", "--discount", "--into"}) {
    EXPECT_NE(o.out.find(needle), std::string::npos) << needle;
  }
  const Outcome sub = run_clvsim(dir_.path(), "run --help");
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("--replications"), std::string::npos);
}

TEST_F(Cli, ValidateAcceptsAGoodScenario) {
  const Outcome o = run_clvsim(dir_.path(), "validate " + scenario());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find(": ok (cli-determinism, 2 segments, 12 periods, "
                       "2 strategies)"),
            std::string::npos)
      << o.out;
}

TEST_F(Cli, ValidateRejectsABadScenarioWithItsLocation) {
  const fs::path bad = dir_.path() / "bad.yaml";
  std::string text = kScenario;
  text += "colour: blue\n";  // unknown key
  write_file(bad, text);
  const Outcome o = run_clvsim(dir_.path(), "validate " + quote(bad.string()));
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind(bad.string() + ":", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("colour"), std::string::npos) << o.err;
}

TEST_F(Cli, UnknownOptionIsBadInput) {
  const Outcome o =
      run_clvsim(dir_.path(), "run " + scenario() + " --frobnicate");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--frobnicate"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("--help"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "clvsim-out"));

  EXPECT_EQ(run_clvsim(dir_.path(), "").code, 2);
  EXPECT_EQ(run_clvsim(dir_.path(), "frobnicate").code, 2);
}

TEST_F(Cli, MissingScenarioFileIsBadInputAndWritesNothing) {
  const Outcome o = run_clvsim(dir_.path(), "run no-such-scenario.yaml");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("no-such-scenario.yaml"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "clvsim-out"));
}

TEST_F(Cli, BadOptionValuesAreBadInputAndWriteNothing) {
  for (const char* option :
       {"--replications 0", "--replications -4", "--replications 1048577",
        "--replications many", "--threads -1", "--seed 1.5",
        "--set no-equals-sign", "--set segments.steady.margin=7"}) {
    const Outcome o =
        run_clvsim(dir_.path(), "run " + scenario() + " " + option);
    EXPECT_EQ(o.code, 2) << option << "\n" << o.err;
    EXPECT_FALSE(o.err.empty()) << option;
    EXPECT_FALSE(fs::exists(dir_.path() / "clvsim-out")) << option;
  }
}

TEST_F(Cli, OutputPathUnderARegularFileIsAnIoFailureFoundBeforeRunning) {
  for (const char* out : {"scenario.yaml/out", "scenario.yaml"}) {
    const Outcome o = run_clvsim(dir_.path(), "run " + scenario() + " --out " + out);
    EXPECT_EQ(o.code, 1) << o.err;
    EXPECT_EQ(o.err.rfind("--out: ", 0), 0u) << o.err;
    EXPECT_NE(o.err.find("is not a directory"), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "");  // stopped before simulating
    EXPECT_EQ(read_file(scenario_), kScenario);
  }
}

TEST_F(Cli, RunWritesTheThreeFiles) {
  const Outcome o = run_clvsim(
      dir_.path(), "run " + scenario() + " --replications 3 --threads 2");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("clvsim: scenario cli-determinism, 3 replications, "
                       "2 segments, 2 strategies, 2 threads"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("wrote clvsim-out/summary.json"), std::string::npos)
      << o.err;
  EXPECT_NE(o.out.find("call-fickle"), std::string::npos) << o.out;

  const fs::path out = dir_.path() / "clvsim-out";
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"periods.csv", "run.json",
                                             "scenario.resolved.yaml", "summary.json"}));
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["scenario"], "cli-determinism");
  EXPECT_EQ(summary["replications"], 3);
  EXPECT_EQ(summary["seed"], 20240601);
  EXPECT_EQ(summary["strategies"].size(), 2u);
  const auto run = nlohmann::json::parse(read_file(out / "run.json"));
  EXPECT_EQ(run["threads"], 2);
}

// The resolved scenario has every default filled in and the command line's
// --set, --seed and --replications applied: run on its own, with no
// options, it reproduces the run byte for byte. validate --print shows it.
TEST_F(Cli, TheResolvedScenarioReproducesTheRun) {
  const Outcome first = run_clvsim(
      dir_.path(), "run " + scenario() +
                       " --out first --seed 99 --replications 5 --set segments.fickle.margin=0.45");
  ASSERT_EQ(first.code, 0) << first.err;
  const fs::path resolved = dir_.path() / "first" / "scenario.resolved.yaml";
  const Outcome again = run_clvsim(dir_.path(), "run " + quote(resolved.string()) + " --out again");
  ASSERT_EQ(again.code, 0) << again.err;
  for (const char* file : {"summary.json", "periods.csv", "scenario.resolved.yaml"}) {
    EXPECT_EQ(read_file(dir_.path() / "first" / file), read_file(dir_.path() / "again" / file))
        << file;
  }
  EXPECT_NE(read_file(resolved).find("margin: 0.45"), std::string::npos);

  const Outcome printed = run_clvsim(
      dir_.path(), "validate " + scenario() + " --print --set segments.fickle.margin=0.45");
  ASSERT_EQ(printed.code, 0) << printed.err;
  const std::string text = read_file(resolved);
  // The same file but for the seed and replications given to run.
  EXPECT_NE(printed.out.find("margin: 0.45"), std::string::npos);
  EXPECT_NE(printed.out.find("cost_to_serve: 0"), std::string::npos) << printed.out;  // a default
  EXPECT_EQ(printed.out.substr(0, 40), text.substr(0, 40));
}

// A full disk (here a file-size limit of 4 KB, below summary.json's size):
// exit 1 with the file and the system's reason, and no file at all in the
// output directory, not even a temporary one.
TEST_F(Cli, AFullDiskIsExitOneWithNoPartialFile) {
  const std::string command = "cd " + quote(dir_.path().string()) + " && ulimit -f 4 && " +
                              quote(CLVSIM_BINARY) + " run " + scenario() +
                              " --out full --quiet 2>" + quote((dir_.path() / "err").string());
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal (SIGXFSZ not ignored?)";
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string err = read_file(dir_.path() / "err");
  EXPECT_NE(err.find("summary.json"), std::string::npos) << err;
  EXPECT_NE(err.find("File too large"), std::string::npos) << err;
  EXPECT_TRUE(!fs::exists(dir_.path() / "full") || fs::is_empty(dir_.path() / "full"));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".full.clvsim-new"), std::string::npos)
        << "staging directory left behind: " << entry.path();
  }
}

// Everything in DIR but the user's own files comes from the latest run.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(Cli, ARerunReplacesTheWholeOutputDirectory) {
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + scenario() + " --quiet --out out --report").code, 0);
  ASSERT_TRUE(fs::exists(dir_.path() / "out" / "report.html"));
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + scenario() + " --quiet --out out --seed 9").code, 0);
  // The earlier run's report does not linger beside the new results.
  EXPECT_EQ(names_in(dir_.path() / "out"),
            (std::vector<std::string>{"periods.csv", "run.json", "scenario.resolved.yaml",
                                      "summary.json"}));
  EXPECT_NE(read_file(dir_.path() / "out" / "summary.json").find("\"seed\": 9"),
            std::string::npos);
  EXPECT_EQ(names_in(dir_.path()), (std::vector<std::string>{"out", "scenario.yaml"}));
}

TEST_F(Cli, ARerunKeepsTheUsersOwnFilesAndDropsStaleOutputs) {
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + scenario() + " --quiet --out out --report").code, 0);
  write_file(dir_.path() / "out" / "notes.txt", "mine");
  ASSERT_EQ(run_clvsim(dir_.path(), "run " + scenario() + " --quiet --out out --seed 9").code, 0);
  EXPECT_EQ(names_in(dir_.path() / "out"),
            (std::vector<std::string>{"notes.txt", "periods.csv", "run.json",
                                      "scenario.resolved.yaml", "summary.json"}));
  EXPECT_EQ(read_file(dir_.path() / "out" / "notes.txt"), "mine");
  EXPECT_NE(read_file(dir_.path() / "out" / "summary.json").find("\"seed\": 9"),
            std::string::npos);
  EXPECT_EQ(names_in(dir_.path()), (std::vector<std::string>{"out", "scenario.yaml"}));
}

TEST_F(Cli, RunWithReportWritesTheHtmlReportToo) {
  const Outcome o = run_clvsim(dir_.path(), "run " + scenario() + " --out rep --report");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string html = read_file(dir_.path() / "rep" / "report.html");
  EXPECT_NE(html.find("data-chart=\"survival\""), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"uplift\""), std::string::npos);
  EXPECT_NE(o.err.find("report.html"), std::string::npos) << o.err;
}

TEST_F(Cli, QuietRunPrintsNothing) {
  const Outcome o = run_clvsim(dir_.path(), "run " + scenario() +
                                                " --quiet --replications 2 "
                                                "--out quiet-out --seed 7");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "");
  const auto summary = nlohmann::json::parse(
      read_file(dir_.path() / "quiet-out" / "summary.json"));
  EXPECT_EQ(summary["seed"], 7);
}

TEST_F(Cli, OutputsDoNotDependOnThreadCount) {
  std::string summary;
  std::string periods;
  for (int threads : {1, 2, 3}) {
    const std::string out = "out-" + std::to_string(threads);
    const Outcome o =
        run_clvsim(dir_.path(), "run " + scenario() + " --quiet --out " + out +
                                    " --threads " + std::to_string(threads));
    ASSERT_EQ(o.code, 0) << o.err;
    const std::string s = read_file(dir_.path() / out / "summary.json");
    const std::string p = read_file(dir_.path() / out / "periods.csv");
    ASSERT_FALSE(s.empty());
    ASSERT_FALSE(p.empty());
    if (threads == 1) {
      summary = s;
      periods = p;
    } else {
      EXPECT_EQ(s, summary)
          << "summary.json differs with " << threads << " threads";
      EXPECT_EQ(p, periods)
          << "periods.csv differs with " << threads << " threads";
    }
  }
  // 2 strategies x (2 segments + total) x 12 periods, plus the header.
  EXPECT_EQ(std::count(periods.begin(), periods.end(), '\n'), 1 + 2 * 3 * 12);
}

TEST_F(Cli, PrecisionRunEqualsAFixedRunOfItsFinalCount) {
  const Outcome o = run_clvsim(
      dir_.path(), "run " + scenario() + " --out precise --precision 2% --batch 3 --threads 2");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("precision target 2% met after "), std::string::npos) << o.err;
  const auto run = nlohmann::json::parse(read_file(dir_.path() / "precise" / "run.json"));
  const nlohmann::json& report = run.at("precision");
  EXPECT_TRUE(report.at("met").get<bool>());
  EXPECT_LE(report.at("ci95_half_width").get<double>(), report.at("needed").get<double>());
  const int replications = run.at("replications").get<int>();
  EXPECT_EQ(replications % 3, 0);
  EXPECT_GT(replications, 3);

  const Outcome fixed = run_clvsim(dir_.path(), "run " + scenario() + " --out fixed --threads 1 --replications " +
                                                    std::to_string(replications));
  ASSERT_EQ(fixed.code, 0) << fixed.err;
  for (const char* file : {"summary.json", "periods.csv"}) {
    EXPECT_EQ(read_file(dir_.path() / "precise" / file), read_file(dir_.path() / "fixed" / file))
        << file;
  }
}

TEST_F(Cli, BadPrecisionOptionsAreBadInputAndWriteNothing) {
  // Each message starts with the option at fault.
  const std::pair<const char*, const char*> cases[] = {
      {"--precision 0", "--precision"},
      {"--precision -1", "--precision"},
      {"--precision abc", "--precision"},
      {"--precision 5%%", "--precision"},
      {"--precision 1 --replications 8", "--replications"},
      {"--batch 4", "--batch"},
      {"--max-replications 9", "--max-replications"},
      {"--precision-metric uplift", "--precision-metric"},
      {"--precision 1 --precision-metric roi", "--precision-metric"},
      {"--precision 1 --precision-segment nobody", "--precision-segment"},
      {"--precision 1 --batch 0", "--batch"},
      {"--precision 1 --batch 16 --max-replications 8", "--max-replications"}};
  for (const auto& [option, culprit] : cases) {
    const Outcome o = run_clvsim(dir_.path(), "run " + scenario() + " " + option);
    EXPECT_EQ(o.code, 2) << option << "\n" << o.err;
    EXPECT_EQ(o.err.rfind(std::string(culprit) + ": ", 0), 0u) << option << "\n" << o.err;
    EXPECT_FALSE(fs::exists(dir_.path() / "clvsim-out")) << option;
  }
}

}  // namespace

namespace {

TEST_F(Cli, InterruptStopsPromptlyWithExit130AndNoOutput) {
  // A run far too long to finish: a million replications. SIGINT after a
  // second must end it within a second or two, exit 130, and leave no file.
  const fs::path out = dir_.path() / "out";
  const fs::path timing = dir_.path() / "elapsed";
  const std::string command =
      "cd " + quote(dir_.path().string()) + " && (" + quote(CLVSIM_BINARY) +
      " run " + scenario() + " --quiet --replications 1000000 --out out & pid=$!;" +
      " sleep 1; start=$(date +%s%N); kill -INT $pid; wait $pid; code=$?;" +
      " echo $(( ($(date +%s%N) - start) / 1000000 )) > " + quote(timing.string()) +
      "; exit $code)";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const int elapsed_ms = std::stoi(read_file(timing));
  EXPECT_LT(elapsed_ms, 2000);
  EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out));
}

}  // namespace
