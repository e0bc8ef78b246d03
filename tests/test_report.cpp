// clvsim report: the verdict says what the numbers say (a known winner, no
// significant difference, a significant loss, two winners that cannot be
// ranked, one replication); the page holds every chart, is self-contained,
// escapes what users typed and is byte-for-byte deterministic; the inputs
// reader refuses malformed files naming file, line and column; the CSV
// reader and the chart ticks. The browser check is tests/report/.
#include "clvsim/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "cli_harness.hpp"
#include "clvsim/error.hpp"
#include "csv_reader.hpp"
#include "svg_chart.hpp"

namespace clvsim {
namespace {

using testing::Outcome;
using testing::quote;
using testing::read_file;
using testing::run_clvsim;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;

const std::string kBuyerTypes = std::string(CLVSIM_SOURCE_DIR) + "/scenarios/buyer_types.yaml";
// A tenth of the customers, 8 replications: a second, and still decisive.
const std::string kSmall =
    " --replications 8 --set segments.transactional.customers=4000"
    " --set segments.consultative.customers=1500 --set segments.strategic.customers=150 --quiet";

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// --- the verdict on synthetic numbers --------------------------------------

Comparison comparison(const std::string& strategy, const std::string& segment, double mean,
                      double half, double cost, std::optional<double> roi = std::nullopt) {
  Comparison c;
  c.strategy = strategy;
  c.baseline = "base";
  c.segment = segment;
  c.clv_uplift = {mean, half / 2};
  c.clv_uplift_ci95 = {mean - half, mean + half};
  c.treatment_cost_change = {cost, 0.1};
  c.roi = roi;
  return c;
}

Results synthetic(std::uint32_t replications = 32) {
  Results r;
  r.scenario = "synthetic";
  r.replications = replications;
  r.horizon = 24;
  for (const char* name : {"base", "a", "b"}) {
    StrategySummary s;
    s.name = name;
    for (const char* segment : {"small", "large", "total"}) {
      SegmentSummary g;
      g.name = segment;
      g.clv = {500, 2};
      s.segments.push_back(g);
    }
    r.strategies.push_back(s);
  }
  return r;
}

TEST(ReportVerdict, NamesTheWinnerAndSaysForWhomAndHowSure) {
  Results r = synthetic(64);
  r.comparisons = {comparison("a", "small", 120, 5, -80), comparison("a", "large", -240, 6, -100),
                   comparison("a", "total", -60, 4, -90),
                   comparison("b", "small", 120, 5, -80), comparison("b", "large", 0.4, 0.9, 0),
                   comparison("b", "total", 210, 3, 12, 17.5)};
  const std::string v = report_verdict(r);
  EXPECT_EQ(v.rfind("Overall winner: b, +210.00 per customer over base in total (95% CI +207.00 to +213.00).", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "a falls short of the baseline base in total by 60.00 per customer")) << v;
  EXPECT_TRUE(contains(v, "better for small (+120.00); worse for large (\u2212240.00)")) << v;
  EXPECT_TRUE(contains(v, "b beats the baseline base in total by 210.00 per customer (95% CI +207.00 to +213.00, +42.0% of the baseline's 500.00)")) << v;
  EXPECT_TRUE(contains(v, "no clear difference for large (+0.40)")) << v;
  EXPECT_TRUE(contains(v, "It spends 90.00 less per customer")) << v;
  EXPECT_TRUE(contains(v, "It spends 12.00 more per customer on treatments; ROI 17.50")) << v;
  EXPECT_TRUE(contains(v, "over 64 replications (paired")) << v;
  EXPECT_FALSE(contains(v, "No strategy")) << v;
}

TEST(ReportVerdict, SaysPlainlyWhenNoStrategyDiffersSignificantly) {
  Results r = synthetic();
  r.comparisons = {comparison("a", "small", 3, 5, 0), comparison("a", "large", -1, 6, 0),
                   comparison("a", "total", 1, 4, 0), comparison("b", "small", 0, 0, 0),
                   comparison("b", "large", 0, 0, 0), comparison("b", "total", 0, 0, 0)};
  r.comparisons[5].clv_uplift.se = 0;
  const std::string v = report_verdict(r);
  EXPECT_EQ(v.rfind("No strategy differs significantly from the baseline base in total", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "a shows no clear difference from the baseline base in total: +1.00 per customer, but the 95% CI \u22123.00 to +5.00 includes 0.")) << v;
  EXPECT_TRUE(contains(v, "b gives exactly the same CLV as the baseline base")) << v;
  EXPECT_FALSE(contains(v, "winner")) << v;
  EXPECT_FALSE(contains(v, "beats")) << v;
}

TEST(ReportVerdict, ASignificantLossIsAWorseVerdictAndNoWinner) {
  Results r = synthetic();
  r.comparisons = {comparison("a", "small", -30, 5, 2), comparison("a", "large", -50, 6, 2),
                   comparison("a", "total", -40, 4, 2, -20.0)};
  const std::string v = report_verdict(r);
  EXPECT_EQ(v.rfind("No strategy beats the baseline base in total, so the baseline remains the best", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "a falls short of the baseline base in total by 40.00 per customer (95% CI \u221244.00 to \u221236.00")) << v;
  EXPECT_TRUE(contains(v, "worse for small (\u221230.00) and large (\u221250.00)")) << v;
  EXPECT_TRUE(contains(v, "the extra spend does not pay for itself")) << v;
  EXPECT_FALSE(contains(v, "winner")) << v;
}

TEST(ReportVerdict, RanksTwoWinnersOnlyWhenTheirIntervalsAreApart) {
  Results r = synthetic();
  r.comparisons = {comparison("a", "total", 100, 10, 1), comparison("b", "total", 95, 10, 1)};
  std::string v = report_verdict(r);
  EXPECT_TRUE(contains(v, "Overall winner: a")) << v;
  EXPECT_TRUE(contains(v, "b (+95.00) also beats the baseline and the intervals overlap")) << v;
  r.comparisons[1] = comparison("b", "total", 50, 10, 1);
  v = report_verdict(r);
  EXPECT_TRUE(contains(v, "Overall winner: a, +100.00 per customer over base in total (95% CI +90.00 to +110.00), clearly ahead of b (+50.00)")) << v;
}

TEST(ReportVerdict, OneReplicationCallsNothingSignificant) {
  Results r = synthetic(1);
  Comparison c = comparison("a", "total", 12, 0, 0);
  c.clv_uplift.se = std::nan("");
  c.clv_uplift_ci95 = {std::nan(""), std::nan("")};
  r.comparisons = {c};
  const std::string v = report_verdict(r);
  EXPECT_TRUE(contains(v, "with one replication its uncertainty is unknown")) << v;
  EXPECT_TRUE(contains(v, "No strategy differs significantly")) << v;
  EXPECT_TRUE(contains(v, "over 1 replication (paired")) << v;
}

TEST(ReportVerdict, OneStrategyHasNothingToCompare) {
  Results r = synthetic();
  r.strategies.resize(1);
  EXPECT_TRUE(contains(report_verdict(r), "Only one strategy, base, was simulated")) << report_verdict(r);
}

// --- the verdict on real runs ---------------------------------------------

class ReportCommand : public ::testing::Test {
 protected:
  fs::path run(const std::string& scenario, const std::string& options, const std::string& out) {
    const Outcome o = run_clvsim(dir_.path(), "run " + quote(scenario) + options + " --out " + out);
    EXPECT_EQ(o.code, 0) << o.err;
    return dir_.path() / out;
  }
  std::string report(const fs::path& dir) {
    const Outcome o = run_clvsim(dir_.path(), "report " + quote(dir.string()));
    EXPECT_EQ(o.code, 0) << o.err;
    return read_file(dir / "report.html");
  }
  TempDir dir_;
};

// Two segments; "placebo" costs nothing and has no response entry, so the
// same customers meet exactly the same outcomes: the uplift is exactly 0.
// "nagging" raises churn and costs money: a significant loss.
const char* kPlaceboScenario = R"(name: placebo
horizon: 12
period: week
discount_rate: 0.002
simulation: {replications: 8, seed: 7}
segments:
  - {name: light, customers: 3000, churn: {geometric: 0.05}, revenue: {mean: 20, noise: 2}, margin: 0.5}
  - {name: heavy, customers: 800, churn: {sbg: {alpha: 1, beta: 12}}, revenue: {mean: 90, heterogeneity: 3}, margin: 0.4}
treatments:
  - {name: placebo, cost: 0}
  - {name: nagging, cost: 1}
response:
  light: {nagging: {churn: 1.4}}
  heavy: {nagging: {churn: 1.3}}
strategies:
  - {name: status-quo, assign: {default: none}}
  - {name: placebo-for-all, assign: {default: placebo}}
)";

TEST_F(ReportCommand, BuyerTypesNamesTailoredTheWinner) {
  const fs::path out = run(kBuyerTypes, kSmall, "bt");
  const ReportInputs inputs = read_report_inputs(out);
  ASSERT_TRUE(inputs.run);
  const std::string v = report_verdict(inputs.run->results);
  EXPECT_EQ(v.rfind("Overall winner: tailored, +", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "catalogue-for-all falls short of the baseline consultative-for-all")) << v;
  EXPECT_TRUE(contains(v, "exactly the same for consultative")) << v;
  EXPECT_TRUE(contains(v, "over 8 replications")) << v;
  // The page carries the same paragraph, escaped.
  EXPECT_TRUE(contains(report(out), "Overall winner: tailored, +"));
}

TEST_F(ReportCommand, NoEffectMeansNoStrategyDiffers) {
  write_file(dir_.path() / "placebo.yaml", kPlaceboScenario);
  const fs::path out = run((dir_.path() / "placebo.yaml").string(), " --quiet", "placebo");
  const ReportInputs inputs = read_report_inputs(out);
  ASSERT_TRUE(inputs.run);
  for (const Comparison& c : inputs.run->results.comparisons) {
    EXPECT_EQ(c.clv_uplift.mean, 0.0) << c.segment;  // common random numbers
  }
  const std::string v = report_verdict(inputs.run->results);
  EXPECT_EQ(v.rfind("No strategy differs significantly from the baseline status-quo in total", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "placebo-for-all gives exactly the same CLV as the baseline status-quo")) << v;
  const std::string html = report(out);
  EXPECT_TRUE(contains(html, "No strategy differs significantly from the baseline status-quo"));
  EXPECT_TRUE(contains(html, "period (week)"));  // the scenario's period label on the axes
}

TEST_F(ReportCommand, ASignificantLossSaysWorse) {
  write_file(dir_.path() / "placebo.yaml", kPlaceboScenario);
  const fs::path out = run((dir_.path() / "placebo.yaml").string(),
                           " --quiet --set strategies.placebo-for-all.assign.default=nagging", "nag");
  const std::string v = report_verdict(read_report_inputs(out).run->results);
  EXPECT_EQ(v.rfind("No strategy beats the baseline status-quo in total", 0), 0u) << v;
  EXPECT_TRUE(contains(v, "placebo-for-all falls short of the baseline status-quo in total by")) << v;
  EXPECT_TRUE(contains(v, "worse for light (\u2212")) << v;
  EXPECT_TRUE(contains(v, "It spends")) << v;
}

// --- the page -------------------------------------------------------------

TEST_F(ReportCommand, RunReportHoldsEveryChartAndIsSelfContainedAndDeterministic) {
  const fs::path out = run(kBuyerTypes, kSmall, "bt");
  const std::string html = report(out);
  // Three segments and the total, for each kind of chart.
  for (const char* kind : {"survival", "retention", "clv", "uplift", "profit"}) {
    EXPECT_EQ(count(html, "data-chart=\"" + std::string(kind) + "\""), 4u) << kind;
  }
  EXPECT_TRUE(contains(html, "id=\"chart-run-survival-3-total\""));
  EXPECT_TRUE(contains(html, "id=\"run-verdict\""));
  EXPECT_TRUE(contains(html, "period (month)"));
  EXPECT_TRUE(contains(html, "share of initial cohort active"));
  EXPECT_TRUE(contains(html, "95% CI"));
  // The resolved scenario, every value, and what it takes to rerun.
  EXPECT_TRUE(contains(html, "<pre class=\"scenario\""));
  EXPECT_TRUE(contains(html, "seed: 20120806"));
  EXPECT_TRUE(contains(html, "cost_to_serve: 150"));
  EXPECT_TRUE(contains(html, "clvsim run scenario.resolved.yaml"));
  EXPECT_TRUE(contains(html, "<td class=\"text\">replications</td><td class=\"text\">8</td>"));
  // Nothing to fetch and nothing to run.
  for (const char* bad : {"http:", "https:", "<script", "src=", "url(http", "@import", "<link"}) {
    EXPECT_FALSE(contains(html, bad)) << bad;
  }
  EXPECT_TRUE(contains(html, "@media print"));
  // Same files, same bytes, wherever the directory lives; no temporary
  // file left behind.
  EXPECT_EQ(report(out), html);
  fs::copy(out, dir_.path() / "copy", fs::copy_options::recursive);
  fs::remove(dir_.path() / "copy" / "report.html");
  EXPECT_EQ(report(dir_.path() / "copy"), html);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(out)) files += entry.is_regular_file();
  EXPECT_EQ(files, 5u);
}

TEST_F(ReportCommand, WhatUsersTypedIsEscaped) {
  const fs::path out = run(kBuyerTypes,
                           kSmall + " --set " + quote("description=<script>alert('x')</script> & \"more\""),
                           "esc");
  const std::string html = report(out);
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"));
}

TEST_F(ReportCommand, SweepReportPlotsEachAxisAndShowsPointOne) {
  const Outcome o = run_clvsim(dir_.path(), "sweep " + quote(kBuyerTypes) + kSmall +
                                                " --vary treatments.consultative.cost=6,9,12"
                                                " --vary segments.strategic.margin=0.3,0.4 --out sw");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string html = report(dir_.path() / "sw");
  EXPECT_EQ(count(html, "data-chart=\"sweep-clv\""), 2u);
  EXPECT_EQ(count(html, "data-chart=\"sweep-uplift\""), 2u);
  EXPECT_TRUE(contains(html, "id=\"chart-sweep-clv-1-treatments-consultative-cost\""));
  // The line through point 1: the other parameter at point 1's value.
  EXPECT_TRUE(contains(html, "Other parameters at point 1&#39;s values: segments.strategic.margin = 0.3."));
  EXPECT_TRUE(contains(html, "<a href=\"points/006/summary.json\">points/006</a>"));
  EXPECT_EQ(count(html, "data-chart=\"survival\""), 4u);  // point 1 in full
  EXPECT_TRUE(contains(html, "id=\"point1-verdict\""));
}

TEST_F(ReportCommand, SensitivityReportDrawsTheTornado) {
  const Outcome o = run_clvsim(
      dir_.path(), "sensitivity " + quote(kBuyerTypes) + kSmall +
                       " --metric uplift --strategy tailored --only "
                       "treatments.consultative.cost,segments.strategic.margin,horizon --out sens");
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string html = report(dir_.path() / "sens");
  EXPECT_EQ(count(html, "data-chart=\"tornado\""), 1u);
  EXPECT_EQ(count(html, "class=\"tornado-row\""), 3u);
  EXPECT_TRUE(contains(html, "segments.strategic.margin"));
}

// --- bad inputs -------------------------------------------------------------

TEST_F(ReportCommand, BadDirectoriesAndMalformedFilesAreBadInputNamingTheFile) {
  const fs::path out = run(kBuyerTypes, kSmall, "bt");
  const auto expect_bad = [&](const fs::path& dir, const std::string& message) {
    const Outcome o = run_clvsim(dir_.path(), "report " + quote(dir.string()));
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_TRUE(contains(o.err, message)) << o.err << "\nexpected: " << message;
    EXPECT_FALSE(fs::exists(dir / "report.html")) << dir;
  };
  fs::create_directory(dir_.path() / "empty");
  expect_bad(dir_.path() / "empty", "empty: holds no clvsim results");
  expect_bad(dir_.path() / "missing", "missing: no such directory");

  const auto copy = [&](const std::string& name) {
    fs::copy(out, dir_.path() / name, fs::copy_options::recursive);
    return dir_.path() / name;
  };
  fs::path d = copy("truncated");
  const std::string summary = read_file(d / "summary.json");
  write_file(d / "summary.json", summary.substr(0, summary.size() / 2));
  expect_bad(d, "summary.json:");
  expect_bad(d, "not valid JSON");

  d = copy("no_mean");
  std::string text = summary;
  text.replace(text.find("\"mean\""), 6, "\"avg\"");
  write_file(d / "summary.json", text);
  expect_bad(d, "summary.json: strategies[0].segments[0].clv.mean: is missing");

  d = copy("bad_cell");
  text = read_file(d / "periods.csv");
  const auto line2 = text.find('\n') + 1;
  const auto fifth_comma = [&] {
    auto at = line2;
    for (int i = 0; i < 5; ++i) at = text.find(',', at) + 1;
    return at;
  }();
  text.insert(fifth_comma, "x");  // the survival cell of the first data row
  write_file(d / "periods.csv", text);
  expect_bad(d, "periods.csv:2:" + std::to_string(fifth_comma - line2 + 1) + ": survival: 'x1' is not a number");

  d = copy("no_periods");
  fs::remove(d / "periods.csv");
  expect_bad(d, "periods.csv: cannot open the file");

  d = copy("bad_yaml");
  write_file(d / "scenario.resolved.yaml", "name: [unclosed\n");
  expect_bad(d, "scenario.resolved.yaml:");

  fs::create_directory(dir_.path() / "bad_sens");
  write_file(dir_.path() / "bad_sens" / "sensitivity.csv",
             "rank,parameter,value,low_value,low_metric,low_change,high_value,high_metric,"
             "high_change,swing,elasticity,note\n1,horizon,36,32,1,2,40,3,4,4,1,\n"
             "3,margin,0.4,0.36,1,2,0.44,3,4,4,1,\n");
  expect_bad(dir_.path() / "bad_sens", "sensitivity.csv:3:1: rank: '3' is out of range");

  fs::create_directory(dir_.path() / "bad_sweep");
  write_file(dir_.path() / "bad_sweep" / "sweep.csv", "point,x,strategy\n1,\"2,3\n");
  expect_bad(dir_.path() / "bad_sweep", "sweep.csv:2:3: row: the quoted cell that starts here is not closed");
}

// --- pieces -----------------------------------------------------------------

TEST(CsvTable, ReadsQuotedCellsAndLocatesErrors) {
  const CsvTable t("\xEF\xBB\xBFname,value\r\n\"a, \"\"b\"\"\",1.5\r\n\r\n\"two\nlines\",\n", "f.csv");
  ASSERT_EQ(t.rows().size(), 2u);
  EXPECT_EQ(t.rows()[0].cells[0], "a, \"b\"");
  EXPECT_EQ(t.number(t.rows()[0], t.column("value")), 1.5);
  EXPECT_EQ(t.rows()[1].cells[0], "two\nlines");
  EXPECT_EQ(t.rows()[1].line, 4);
  EXPECT_FALSE(t.optional_number(t.rows()[1], 1));
  EXPECT_TRUE(std::isnan(t.number_or_nan(t.rows()[1], 1)));
  const auto message = [](const std::string& text) {
    try {
      CsvTable bad(text, "f.csv");
      bad.number(bad.rows().at(0), 1);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("a,b\n1,2,3\n"), "f.csv:2:1: row: has 3 cells, the header 2 (expected one cell per column)");
  EXPECT_EQ(message("a,b\n1,\"2\n"), "f.csv:2:3: row: the quoted cell that starts here is not closed (expected RFC 4180 CSV as clvsim writes it)");
  EXPECT_EQ(message("a,b\n1,2\"x\n"), "f.csv:2:4: row: a quote inside an unquoted cell (expected RFC 4180 CSV as clvsim writes it)");
  EXPECT_EQ(message("a,b\n1,\"2\"x\n"), "f.csv:2:6: row: text after the closing quote of a cell (expected RFC 4180 CSV as clvsim writes it)");
  EXPECT_EQ(message("a,b\n1,inf\n"), "f.csv:2:3: b: 'inf' is not a number (expected a finite number)");
  EXPECT_EQ(message(""), "f.csv: the file is empty (expected a header row and data rows)");
}

TEST(SvgChart, NiceTicksAndLabels) {
  svg::Ticks t = svg::nice_ticks(0, 35, 7, true);
  EXPECT_EQ(t.step, 5);
  EXPECT_EQ(t.values.front(), 0);
  EXPECT_EQ(t.values.back(), 35);
  t = svg::nice_ticks(-67.07, 215.96, 6, false);
  EXPECT_EQ(t.step, 50);
  EXPECT_EQ(t.lo, -100);
  EXPECT_EQ(t.hi, 250);
  EXPECT_EQ(svg::tick_label(17500, 2500, svg::Format::number), "17,500");
  EXPECT_EQ(svg::tick_label(-0.5, 0.5, svg::Format::number), "\u22120.5");
  EXPECT_EQ(svg::tick_label(0.4, 0.2, svg::Format::percent), "40%");
  EXPECT_EQ(svg::tick_label(0.985, 0.005, svg::Format::percent), "98.5%");
  // A constant series still gets an axis.
  t = svg::nice_ticks(3, 3, 5, false);
  EXPECT_LT(t.lo, 3);
  EXPECT_GT(t.hi, 3);
}

TEST(SvgChart, LineChartIsDeterministicAndGreyscaleSafe) {
  svg::LineChart c;
  c.id = "chart-x";
  c.kind = "survival";
  c.title = "a & b";
  c.x.title = "period (month)";
  c.y.title = "share";
  for (std::size_t k = 0; k < 3; ++k) {
    svg::LineSeries s{"s" + std::to_string(k), k, {0, 1, 2}, {1, 0.9 - 0.1 * k, 0.8}, {}, {}, {}};
    c.series.push_back(s);
  }
  const std::string a = svg::line_chart(c);
  EXPECT_EQ(a, svg::line_chart(c));
  EXPECT_TRUE(contains(a, "<svg id=\"chart-x\" class=\"chart\" data-chart=\"survival\""));
  EXPECT_TRUE(contains(a, "<title id=\"chart-x-title\">a &amp; b</title>"));
  // Series differ by dash pattern and marker, not by colour alone.
  EXPECT_TRUE(contains(a, "stroke-dasharray=\"7 4\""));
  EXPECT_TRUE(contains(a, "stroke-dasharray=\"2 3\""));
  EXPECT_TRUE(contains(a, "<circle"));
  EXPECT_TRUE(contains(a, "<rect"));
  EXPECT_TRUE(contains(a, "<polygon"));
  EXPECT_NE(svg::style(0).marker, svg::style(1).marker);
}

}  // namespace
}  // namespace clvsim
