// Sweep grids: parsing --vary, the order of points, and sweep.csv's shape.
// (That a point equals `run --set` byte for byte is checked end to end in
// test_sweep_command.)
#include "clvsim/sweep.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "clvsim/error.hpp"
#include "clvsim/simulation.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

using Values = std::vector<std::string>;

TEST(SweepAxis, ListOfValues) {
  const SweepAxis axis = parse_sweep_axis("segments.retail.margin=0.2, 0.3,0.45");
  EXPECT_EQ(axis.path, "segments.retail.margin");
  EXPECT_EQ(axis.values, (Values{"0.2", "0.3", "0.45"}));
}

TEST(SweepAxis, CommasInsideYamlValuesDoNotSplit) {
  const SweepAxis axis =
      parse_sweep_axis("segments.a.churn={geometric: 0.1},{sbg: {alpha: 1, beta: 3}},'x,y'");
  EXPECT_EQ(axis.values,
            (Values{"{geometric: 0.1}", "{sbg: {alpha: 1, beta: 3}}", "'x,y'"}));
}

TEST(SweepAxis, RangesKeepTheDecimalsAsTyped) {
  // 0.1 + 2 * 0.1 is 0.30000000000000004 in binary; the value passed to
  // --set must be the 0.3 a user would type.
  EXPECT_EQ(parse_sweep_axis("x=0.1:0.3:0.1").values, (Values{"0.1", "0.2", "0.3"}));
  EXPECT_EQ(parse_sweep_axis("x=0:1:0.25").values,
            (Values{"0.00", "0.25", "0.50", "0.75", "1.00"}));
  EXPECT_EQ(parse_sweep_axis("x=2:10:4").values, (Values{"2", "6", "10"}));
  EXPECT_EQ(parse_sweep_axis("x=2:9:4").values, (Values{"2", "6"}));
  EXPECT_EQ(parse_sweep_axis("x=1:-1:-1").values, (Values{"1", "0", "-1"}));
  EXPECT_EQ(parse_sweep_axis("x=5:5:1").values, (Values{"5"}));
  EXPECT_EQ(parse_sweep_axis("x=1e-3:3e-3:1e-3").values.size(), 3u);
}

TEST(SweepAxis, BadAxesNameTheOptionAndThePath) {
  const std::pair<const char*, const char*> cases[] = {
      {"no-equals", ""},          {"=1,2", ""},
      {"x=", "x"},                {"x=1,,2", "x"},
      {"x=0:1:0", "x"},           {"x=0:1:-0.5", "x"},
      {"x=0:1e9:1e-3", "x"},      {"x=0:1:1..5", "x"}};
  for (const auto& [text, path] : cases) {
    try {
      parse_sweep_axis(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "--vary") << text;
      EXPECT_EQ(e.key_path(), path) << text << ": " << e.what();
    }
  }
}

TEST(SweepPoints, GridTurnsTheLastAxisFastest) {
  const std::vector<SweepAxis> axes = {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}};
  const auto points = sweep_points(axes, false);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0], (Values{"1", "x"}));
  EXPECT_EQ(points[1], (Values{"1", "y"}));
  EXPECT_EQ(points[3], (Values{"2", "x"}));
  EXPECT_EQ(points[5], (Values{"2", "z"}));
}

TEST(SweepPoints, ZipPairsValues) {
  const std::vector<SweepAxis> axes = {{"a", {"1", "2"}}, {"b", {"x", "y"}}};
  EXPECT_EQ(sweep_points(axes, true), (std::vector<Values>{{"1", "x"}, {"2", "y"}}));
  EXPECT_THROW(sweep_points({{"a", {"1", "2"}}, {"b", {"x"}}}, true), InputError);
  EXPECT_THROW(sweep_points({{"a", {"1"}}, {"a", {"2"}}}, false), InputError);
  EXPECT_THROW(sweep_points({}, false), InputError);
  std::vector<SweepAxis> huge(6, SweepAxis{"", Values(10, "1")});
  for (std::size_t i = 0; i < huge.size(); ++i) huge[i].path = "p" + std::to_string(i);
  EXPECT_THROW(sweep_points(huge, false), InputError);  // 10^6 points
}

TEST(SweepCsv, OneRowPerPointStrategyAndSegmentWithUpliftForNonBaselines) {
  Scenario s = testing::single_segment(
      "csv", testing::geometric_segment(500, 0.1, 10.0), 6, 4, 9, 0.01);
  const int call = testing::add_treatment(s, "call", 1.0);
  s.response[0][call] = {0.7, 1.0, std::nullopt, std::nullopt};
  testing::add_strategy(s, "call, everyone", {call});  // a comma to quote
  const std::vector<SweepAxis> axes = {{"treatments.call.cost", {"1", "2"}}};
  const auto points = sweep_points(axes, false);
  std::vector<Results> results;
  for (const char* cost : {"1", "2"}) {
    s.treatments[call].cost = std::stod(cost);
    results.push_back(run_simulation(s, {.threads = 1}));
  }
  const std::string csv = sweep_csv(axes, points, results);
  // header + 2 points x 2 strategies x (1 segment + total)
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 2 * 2);
  EXPECT_EQ(csv.rfind("point,treatments.call.cost,strategy,segment,clv,", 0), 0u);
  EXPECT_NE(csv.find("\n1,1,status-quo,geometric,"), std::string::npos);
  EXPECT_NE(csv.find("\n2,2,\"call, everyone\",total,"), std::string::npos);
  // The baseline's uplift cells are empty; the other strategy names it.
  EXPECT_NE(csv.find(",,,,,,,\n"), std::string::npos);
  EXPECT_NE(csv.find(",status-quo,"), std::string::npos);
}

}  // namespace
}  // namespace clvsim
