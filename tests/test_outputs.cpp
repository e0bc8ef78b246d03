// Output writers on hand-built Results: the summary.json and periods.csv
// contracts of SPEC section 6, and crash-safe file replacement.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "clvsim/outputs.hpp"
#include "clvsim/scenario_loader.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kOddName = "big, \"quoted\" co";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "clvsim-out-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> list_dir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SegmentSummary make_segment(const std::string& name, std::uint64_t customers,
                            double scale, bool one_replication) {
  SegmentSummary s;
  s.name = name;
  s.customers = customers;
  const double se = one_replication ? kNaN : 0.5 * scale;
  s.clv = {100.25 * scale, se};
  s.clv_ci95 = one_replication ? Interval{kNaN, kNaN}
                               : Interval{99.0 * scale, 101.5 * scale};
  s.clv_quantiles = {-5.0, 20.0, 80.5, 150.0, 400.0};
  s.survival_end = {0.375, one_replication ? kNaN : 0.01};
  s.revenue = {300.0 * scale, se};
  s.treatment_cost = {2.5 * scale, se};
  s.equity = {1.0e6 * scale, se};
  return s;
}

// Two strategies over two segments (one with an awkward name) plus "total",
// three periods each, and two comparisons.
Results make_results(bool one_replication = false) {
  Results r;
  r.scenario = "synthetic";
  r.seed = 18446744073709551615ULL;
  r.replications = one_replication ? 1 : 16;
  r.horizon = 3;
  r.discount_rate = 0.008;
  const char* names[] = {"retail", kOddName, "total"};
  for (const std::string strategy : {"one-size", "tailored"}) {
    StrategySummary st;
    st.name = strategy;
    for (int s = 0; s < 3; ++s) {
      st.segments.push_back(make_segment(names[s], s == 2 ? 300 : 100 + 100 * s,
                                         1.0 + s, one_replication));
      std::vector<PeriodSummary> periods(3);
      for (int t = 0; t < 3; ++t) {
        PeriodSummary& p = periods[t];
        const double se = one_replication ? kNaN : 0.125;
        p.active = {100.0 - 10 * t, se};
        p.survival = {1.0 - 0.1 * t, se};
        if (t > 0) p.retention = 0.9;
        p.active_all = {100.0 + t, se};
        p.revenue = {0.1 + 0.2, se};  // not exactly 0.3: tests round trip
        p.profit = {-1.5, se};
        p.discounted_profit = {-1.5 / std::pow(1.008, t), se};
        p.treatment_cost = {2.0, se};
        p.denied = {0.0, se};
      }
      st.periods.push_back(periods);
    }
    r.strategies.push_back(st);
  }
  Comparison total;
  total.strategy = "tailored";
  total.baseline = "one-size";
  total.segment = "total";
  total.clv_uplift = {12.5, one_replication ? kNaN : 1.0};
  total.clv_uplift_ci95 =
      one_replication ? Interval{kNaN, kNaN} : Interval{10.4, 14.6};
  total.treatment_cost_change = {2.0, one_replication ? kNaN : 0.1};
  total.roi = 6.25;
  Comparison retail = total;
  retail.segment = "retail";
  retail.clv_uplift = {0.5, one_replication ? kNaN : 1.0};
  retail.clv_uplift_ci95 =
      one_replication ? Interval{kNaN, kNaN} : Interval{-1.6, 2.6};
  retail.treatment_cost_change = {-1.0, 0.1};
  retail.roi.reset();
  r.comparisons = {total, retail};
  r.statistics = {123456.0, 0.25, 3, std::nullopt};
  return r;
}

std::vector<std::string> keys(const ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

// Minimal RFC 4180 reader: enough to check what periods_csv writes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  return rows;
}

TEST(SummaryJson, HasTheSpecShape) {
  const Results r = make_results();
  const auto j = ordered_json::parse(summary_json(r));
  EXPECT_EQ(keys(j), (std::vector<std::string>{
                         "scenario", "seed", "replications", "horizon",
                         "discount_rate", "strategies", "comparisons"}));
  EXPECT_EQ(j["scenario"], "synthetic");
  EXPECT_EQ(j["seed"].get<std::uint64_t>(), 18446744073709551615ULL);
  EXPECT_EQ(j["replications"], 16);
  EXPECT_EQ(j["horizon"], 3);
  EXPECT_DOUBLE_EQ(j["discount_rate"].get<double>(), 0.008);

  ASSERT_EQ(j["strategies"].size(), 2u);
  const auto& st = j["strategies"][1];
  EXPECT_EQ(keys(st), (std::vector<std::string>{"name", "segments", "total"}));
  EXPECT_EQ(st["name"], "tailored");
  ASSERT_EQ(st["segments"].size(), 2u);  // "total" is not among them
  EXPECT_EQ(st["segments"][0]["name"], "retail");
  EXPECT_EQ(st["segments"][1]["name"], kOddName);
  EXPECT_EQ(st["total"]["name"], "total");
  EXPECT_EQ(st["total"]["customers"], 300);

  const auto& seg = st["segments"][1];
  EXPECT_EQ(keys(seg), (std::vector<std::string>{"name", "customers", "clv",
                                                 "survival_end", "revenue",
                                                 "treatment_cost", "equity"}));
  EXPECT_EQ(keys(seg["clv"]),
            (std::vector<std::string>{"mean", "se", "ci95", "p05", "p25", "p50",
                                      "p75", "p95"}));
  EXPECT_DOUBLE_EQ(seg["clv"]["mean"].get<double>(), 200.5);
  EXPECT_DOUBLE_EQ(seg["clv"]["se"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(seg["clv"]["ci95"][0].get<double>(), 198.0);
  EXPECT_DOUBLE_EQ(seg["clv"]["ci95"][1].get<double>(), 203.0);
  EXPECT_DOUBLE_EQ(seg["clv"]["p05"].get<double>(), -5.0);
  EXPECT_DOUBLE_EQ(seg["clv"]["p95"].get<double>(), 400.0);
  for (const char* field :
       {"survival_end", "revenue", "treatment_cost", "equity"}) {
    EXPECT_EQ(keys(seg[field]), (std::vector<std::string>{"mean", "se"}))
        << field;
  }
  EXPECT_DOUBLE_EQ(seg["equity"]["mean"].get<double>(), 2.0e6);

  ASSERT_EQ(j["comparisons"].size(), 2u);
  const auto& c = j["comparisons"][0];
  EXPECT_EQ(keys(c), (std::vector<std::string>{
                         "strategy", "baseline", "segment", "clv_uplift",
                         "treatment_cost_change", "roi"}));
  EXPECT_EQ(c["strategy"], "tailored");
  EXPECT_EQ(c["baseline"], "one-size");
  EXPECT_EQ(c["segment"], "total");
  EXPECT_DOUBLE_EQ(c["clv_uplift"]["ci95"][0].get<double>(), 10.4);
  EXPECT_DOUBLE_EQ(c["roi"].get<double>(), 6.25);
  EXPECT_TRUE(j["comparisons"][1]["roi"].is_null());
}

TEST(SummaryJson, UnknownValuesAreNull) {
  const std::string text = summary_json(make_results(/*one_replication=*/true));
  for (const char* bad : {"nan", "NaN", "inf", "Infinity"}) {
    EXPECT_EQ(text.find(bad), std::string::npos) << bad;
  }
  const auto j = ordered_json::parse(text);
  const auto& clv = j["strategies"][0]["total"]["clv"];
  EXPECT_DOUBLE_EQ(clv["mean"].get<double>(), 300.75);
  EXPECT_TRUE(clv["se"].is_null());
  ASSERT_EQ(clv["ci95"].size(), 2u);
  EXPECT_TRUE(clv["ci95"][0].is_null());
  EXPECT_TRUE(clv["ci95"][1].is_null());
  EXPECT_TRUE(j["strategies"][0]["total"]["survival_end"]["se"].is_null());
  EXPECT_TRUE(j["comparisons"][0]["clv_uplift"]["se"].is_null());
  EXPECT_DOUBLE_EQ(j["comparisons"][0]["roi"].get<double>(), 6.25);
}

TEST(SummaryJson, DependsOnlyOnEstimates) {
  Results a = make_results();
  Results b = make_results();
  b.statistics = {999.0, 42.0, 64, std::nullopt};  // run metadata belongs in run.json
  EXPECT_EQ(summary_json(a), summary_json(b));
  EXPECT_EQ(periods_csv(a), periods_csv(b));
}

TEST(PeriodsCsv, HeaderAndOneRowPerStrategySegmentPeriod) {
  const std::string text = periods_csv(make_results());
  const std::string header =
      "strategy,segment,period,active,active_se,survival,survival_se,"
      "retention,revenue,revenue_se,profit,profit_se,discounted_profit,"
      "discounted_profit_se,active_all,active_all_se,treatment_cost,"
      "treatment_cost_se,denied,denied_se";
  EXPECT_EQ(text.substr(0, text.find('\n')), header);
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 1u + 2 * 3 * 3);
  for (const auto& row : rows) ASSERT_EQ(row.size(), 20u);
  EXPECT_EQ(rows[1][0], "one-size");
  EXPECT_EQ(rows[1][1], "retail");
  EXPECT_EQ(rows[1][2], "0");
  EXPECT_EQ(rows[1][3], "100");
  EXPECT_EQ(rows[1][7], "");  // no retention in period 0
  EXPECT_EQ(rows[2][7], "0.9");
  EXPECT_EQ(rows[9][1], "total");
  EXPECT_EQ(rows[10][0], "tailored");
  // Shortest round-trip form: reads back as the very same double.
  EXPECT_EQ(rows[1][8], "0.30000000000000004");
  EXPECT_EQ(std::stod(rows[1][8]), 0.1 + 0.2);
  EXPECT_EQ(std::stod(rows[3][12]), -1.5 / std::pow(1.008, 2));
}

TEST(PeriodsCsv, QuotesAwkwardNames) {
  const std::string text = periods_csv(make_results());
  EXPECT_NE(text.find("one-size,\"big, \"\"quoted\"\" co\",0,"),
            std::string::npos);
  const auto rows = parse_csv(text);
  EXPECT_EQ(rows[4][1], kOddName);
}

TEST(PeriodsCsv, UnknownValuesAreEmpty) {
  const std::string text = periods_csv(make_results(/*one_replication=*/true));
  EXPECT_EQ(text.find("nan"), std::string::npos);
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 19u);
  const auto& row = rows[2];
  EXPECT_EQ(row[3], "90");
  EXPECT_EQ(row[4], "");  // active_se
  EXPECT_EQ(row[6], "");  // survival_se
  EXPECT_EQ(row[7], "0.9");
  EXPECT_EQ(row[17], "");  // treatment_cost_se
  EXPECT_EQ(row[19], "");  // denied_se
}

TEST(RunJson, CarriesRunMetadata) {
  Scenario scenario;
  scenario.source_file = "scenarios/example.yaml";
  scenario.name = "synthetic";
  const auto j = ordered_json::parse(run_json(make_results(), scenario));
  EXPECT_TRUE(j["version"].is_string());
  EXPECT_EQ(j["threads"], 3);
  EXPECT_DOUBLE_EQ(j["wall_seconds"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["active_customer_periods"].get<double>(), 123456.0);
  EXPECT_DOUBLE_EQ(j["acp_per_second"].get<double>(), 493824.0);
  EXPECT_TRUE(j["host"].is_string());
  const std::string stamp = j["timestamp_utc"];
  EXPECT_EQ(stamp.size(), 20u);
  EXPECT_EQ(stamp.back(), 'Z');
  EXPECT_NE(j["scenario_file"].get<std::string>().find("example.yaml"),
            std::string::npos);
}

TEST(ConsoleTable, ShowsEveryRowAndAVerdict) {
  const std::string text = console_table(make_results());
  for (const char* needle :
       {"one-size", "tailored", "retail", kOddName, "total", "better",
        "no clear difference", "100.25", "+12.50", "6.25"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
  for (unsigned char c : text) EXPECT_LT(c, 128u);
  const std::string single = console_table(make_results(true));
  EXPECT_EQ(single.find("nan"), std::string::npos);
}

TEST(AtomicFile, CreatesAndReplacesWithoutLeftovers) {
  TempDir dir;
  const fs::path file = dir.path() / "out.txt";
  write_file_atomically(file, "first version, longer than the second\n");
  EXPECT_EQ(read_file(file), "first version, longer than the second\n");
  write_file_atomically(file, "second\n");
  EXPECT_EQ(read_file(file), "second\n");
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"out.txt"});
}

TEST(AtomicFile, FailsWhenParentIsARegularFile) {
  TempDir dir;
  const fs::path blocker = dir.path() / "blocker";
  write_file_atomically(blocker, "not a directory");
  const fs::path target = blocker / "out.txt";
  try {
    write_file_atomically(target, "data");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"blocker"});
  EXPECT_EQ(read_file(blocker), "not a directory");
}

// A write that fails halfway (here: over the file-size limit, as with a full
// disk) must keep the old file and remove the temporary.
TEST(AtomicFile, FailedWriteKeepsTheOldFileAndNoTemporary) {
  TempDir dir;
  const fs::path file = dir.path() / "out.txt";
  write_file_atomically(file, "old");
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 4096;
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool threw = false;
  try {
    write_file_atomically(file, std::string(100000, 'x'));
  } catch (const std::runtime_error& e) {
    threw = true;
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_TRUE(threw);
  EXPECT_EQ(read_file(file), "old");
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"out.txt"});
}

// True when writing into a directory without write permission fails and
// leaves the old file alone with no temporary file behind.
bool read_only_directory_write_fails_cleanly(const fs::path& dir) {
  const fs::path file = dir / "out.txt";
  write_file_atomically(file, "old");
  fs::permissions(dir, fs::perms::owner_write, fs::perm_options::remove);
  bool threw = false;
  try {
    write_file_atomically(file, "new");
  } catch (const std::runtime_error&) {
    threw = true;
  }
  fs::permissions(dir, fs::perms::owner_write, fs::perm_options::add);
  return threw && read_file(file) == "old" &&
         list_dir(dir) == std::vector<std::string>{"out.txt"};
}

TEST(AtomicFile, FailsInAReadOnlyDirectoryAndKeepsTheOldFile) {
  TempDir dir;
  if (::geteuid() != 0) {
    EXPECT_TRUE(read_only_directory_write_fails_cleanly(dir.path()));
    return;
  }
  // Root ignores directory permissions: check as an unprivileged user in a
  // child process.
  constexpr uid_t kNobody = 65534;
  ASSERT_EQ(::chown(dir.path().c_str(), kNobody, kNobody), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool ok = ::setgid(kNobody) == 0 && ::setuid(kNobody) == 0 &&
                    read_only_directory_write_fails_cleanly(dir.path());
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(RunOutputs, WritesTheThreeFilesIntoANewDirectory) {
  TempDir dir;
  const fs::path out = dir.path() / "nested" / "run";
  const Results results = make_results();
  Scenario scenario = testing::single_segment(
      "outputs", testing::geometric_segment(10, 0.1, 5.0), 4, 2, 1);
  scenario.source_file = "x.yaml";
  write_run_outputs(out, results, scenario);
  EXPECT_EQ(list_dir(out), (std::vector<std::string>{"periods.csv", "run.json",
                                                     "scenario.resolved.yaml", "summary.json"}));
  EXPECT_EQ(read_file(out / "scenario.resolved.yaml"), resolved_scenario_yaml(scenario));
  EXPECT_EQ(read_file(out / "summary.json"), summary_json(results));
  EXPECT_EQ(read_file(out / "periods.csv"), periods_csv(results));
  // A second run replaces the set in place.
  write_run_outputs(out, make_results(true), scenario);
  EXPECT_EQ(read_file(out / "summary.json"), summary_json(make_results(true)));
  EXPECT_EQ(list_dir(out).size(), 4u);
}

TEST(RunOutputs, FailsWithoutCreatingAnythingWhenParentIsAFile) {
  TempDir dir;
  write_file_atomically(dir.path() / "blocker", "x");
  const Scenario scenario = testing::single_segment(
      "outputs", testing::geometric_segment(10, 0.1, 5.0), 4, 2, 1);
  EXPECT_THROW(write_run_outputs(dir.path() / "blocker" / "out", make_results(),
                                 scenario),
               std::runtime_error);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"blocker"});
}

}  // namespace
}  // namespace clvsim
