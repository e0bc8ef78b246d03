// Reading observed retention (survival_table.hpp): the CSV format, cohorts
// starting in later periods, and every kind of bad data refused with its
// exact line, column and key path.
#include "clvsim/survival_table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace clvsim {
namespace {

const char* const kFaderHardie =
    "# Fader & Hardie (2007), percent still active\n"
    "period,Regular,High End\n"
    "0,100,100\n"
    "1,63.1,86.9\n"
    "2,46.8,74.3\n"
    "3,38.2,65.3\n";

TEST(SurvivalTable, ReadsCountsByDefault) {
  const SurvivalTable t = parse_survival_table(kFaderHardie, "fh.csv");
  EXPECT_EQ(t.file, "fh.csv");
  EXPECT_EQ(t.periods, 4);
  EXPECT_EQ(t.cohort_size, 0u);
  ASSERT_EQ(t.cohorts.size(), 2u);
  EXPECT_EQ(t.cohorts[0].name, "Regular");
  EXPECT_EQ(t.cohorts[1].name, "High End");
  EXPECT_EQ(t.cohorts[1].first_period, 0);
  EXPECT_EQ(t.cohorts[1].last_period(), 3);
  EXPECT_EQ(t.cohorts[0].values, (std::vector<double>{100, 63.1, 46.8, 38.2}));
  EXPECT_EQ(t.cohorts[0].counts, t.cohorts[0].values);
  EXPECT_EQ(t.cohorts[1].marks[2].line, 5);
  EXPECT_EQ(t.cohorts[1].marks[2].column, 8);
  EXPECT_EQ(t.cohorts[1].header_mark.line, 2);
  EXPECT_EQ(t.cohorts[1].header_mark.column, 16);
  ASSERT_EQ(t.row_marks.size(), 4u);
  EXPECT_EQ(t.row_marks[0].line, 3);
}

TEST(SurvivalTable, PercentWithCohortSizeBecomesCounts) {
  const SurvivalTable t = parse_survival_table(kFaderHardie, "fh.csv", {1000});
  EXPECT_EQ(t.cohort_size, 1000u);
  // v / 100 * 1000 = 10 v, exactly as Fader & Hardie's counts.
  EXPECT_EQ(t.cohorts[1].counts,
            (std::vector<double>{1000, 10 * 86.9, 10 * 74.3, 10 * 65.3}));
  EXPECT_EQ(t.cohorts[1].values[1], 86.9);
  EXPECT_NEAR(t.cohorts[1].percent(1), 86.9, 1e-12);
}

// CRLF, a byte-order mark, blank and comment lines anywhere, spaces around
// cells, quoted names with commas and doubled quotes.
TEST(SurvivalTable, AcceptsTheUsualCsvVariations) {
  const std::string text =
      "\xEF\xBB\xBF# exported\r\n"
      "\r\n"
      " period , \"Big, \"\"old\"\"\" ,  late \r\n"
      "0, 500 ,\r\n"
      "   # a comment between rows\r\n"
      "1,400,\r\n"
      "2,300, 80\r\n"
      "\r\n"
      "3,250,60\r\n"
      "4,,55\r\n"
      "5,,\r\n";
  const SurvivalTable t = parse_survival_table(text, "v.csv");
  EXPECT_EQ(t.periods, 6);
  ASSERT_EQ(t.cohorts.size(), 2u);
  EXPECT_EQ(t.cohorts[0].name, "Big, \"old\"");
  EXPECT_EQ(t.cohorts[1].name, "late");
  EXPECT_EQ(t.cohorts[0].first_period, 0);
  EXPECT_EQ(t.cohorts[0].values, (std::vector<double>{500, 400, 300, 250}));
  EXPECT_EQ(t.cohorts[1].first_period, 2);
  EXPECT_EQ(t.cohorts[1].last_period(), 4);
  EXPECT_EQ(t.cohorts[1].values, (std::vector<double>{80, 60, 55}));
  EXPECT_EQ(t.cohorts[1].marks[0].line, 7);
  EXPECT_EQ(t.cohorts[1].marks[0].column, 8);
  EXPECT_EQ(t.row_marks[5].line, 11);
}

TEST(SurvivalTable, CohortsThroughAPeriod) {
  const std::string text =
      "period,a,b,c\n0,100,,\n1,90,,\n2,85,200,\n3,80,150,50\n4,78,120,40\n";
  const SurvivalTable t = parse_survival_table(text, "c.csv");
  const auto all = sbg_cohorts_through(t, 4);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].active, (std::vector<double>{100, 90, 85, 80, 78}));
  EXPECT_EQ(all[1].active, (std::vector<double>{200, 150, 120}));
  EXPECT_EQ(all[2].active, (std::vector<double>{50, 40}));
  // Through period 3 cohort c has only its starters and is left out.
  const auto three = sbg_cohorts_through(t, 3);
  ASSERT_EQ(three.size(), 2u);
  EXPECT_EQ(three[0].active, (std::vector<double>{100, 90, 85, 80}));
  EXPECT_EQ(three[1].active, (std::vector<double>{200, 150}));
  EXPECT_EQ(sbg_cohorts_through(t, 1).size(), 1u);
  EXPECT_TRUE(sbg_cohorts_through(t, 0).empty());
  // Beyond the last period: everything.
  EXPECT_EQ(sbg_cohorts_through(t, 100).size(), 3u);
}

TEST(SurvivalTable, MissingFileIsAnInputErrorWithoutLine) {
  try {
    read_survival_table("/nonexistent/retention.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/retention.csv");
    EXPECT_EQ(e.mark().line, 0);
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
}

struct BadCase {
  const char* what;
  std::string text;
  std::uint64_t cohort_size;
  int line, column;
  const char* key;
  const char* problem;  // part of the message
};

// Every data problem named in the issue, with exactly where it is reported.
const std::vector<BadCase>& bad_cases() {
  static const std::vector<BadCase> cases = {
      {"empty file", "", 0, 1, 1, "", "the file is empty"},
      {"only comments", "# nothing\n\n", 0, 3, 1, "", "the file is empty"},
      {"no data rows", "# x\nperiod,a\n", 0, 2, 1, "header", "no data rows"},
      {"no cohort columns", "period\n0\n1\n", 0, 1, 1, "header",
       "no cohort columns"},
      {"no period column", "0,100\n1,90\n", 0, 1, 1, "header", "not 'period'"},
      {"unnamed column", "period,a,\n0,1,2\n", 0, 1, 10, "header", "no name"},
      {"duplicate cohort", "period,a,b,a\n0,1,1,1\n", 0, 1, 12, "a",
       "duplicate cohort name"},
      {"too few cells", "period,a,b\n0,100,100\n1,90\n", 0, 3, 1, "row",
       "has 2 cells, the header has 3"},
      {"too many cells", "period,a\n0,100\n1,90,80\n", 0, 3, 1, "row",
       "has 3 cells"},
      {"period not an integer", "period,a\n0,100\n1.5,90\n", 0, 3, 1, "period",
       "'1.5' is not a whole number"},
      {"period text", "period,a\n0,100\none,90\n", 0, 3, 1, "period",
       "'one' is not a whole number"},
      {"period skipped", "period,a\n0,100\n1,90\n3,80\n", 0, 4, 1, "period",
       "period 3 follows period 1"},
      {"period not from 0", "period,a\n1,100\n2,90\n", 0, 2, 1, "period",
       "the first row is period 1"},
      {"text in a cell", "period,a\n0,100\n1,ninety\n", 0, 3, 3, "a[period 1]",
       "'ninety' is not a finite number"},
      {"NaN", "period,a\n0,100\n1,NaN\n", 0, 3, 3, "a[period 1]",
       "'NaN' is not a finite number"},
      {"inf", "period,a\n0,100\n1,inf\n", 0, 3, 3, "a[period 1]",
       "'inf' is not a finite number"},
      {"number with text", "period,a\n0,100\n1,90%\n", 0, 3, 3, "a[period 1]",
       "'90%' is not a finite number"},
      {"negative", "period,a\n0,100\n1,-5\n", 0, 3, 3, "a[period 1]",
       "negative value -5"},
      {"gap in a cohort", "period,a,b\n0,100,\n1,90,200\n2,,150\n3,70,140\n", 0,
       4, 3, "a[period 2]", "empty cell inside the cohort"},
      {"starters only", "period,a,b\n0,100,\n1,90,\n2,80,50\n", 0, 4, 6,
       "b[period 2]", "no period after its starters"},
      {"empty column", "period,a,b\n0,100,\n1,90,\n", 0, 1, 10, "b",
       "no values"},
      {"zero starters", "period,a,b\n0,100,\n1,90,0\n2,80,0\n", 0, 3, 6,
       "b[period 1]", "no starters"},
      {"non-monotone", "period,a\n0,1000\n1,800\n2,850\n", 0, 4, 3,
       "a[period 2]", "active customers never come back"},
      {"more survivors than starters", "period,a\n0,1000\n1,1200\n", 0, 3, 3,
       "a[period 1]", "more survivors than starters"},
      {"percent not starting at 100", "period,a\n0,90\n1,80\n", 1000, 2, 3,
       "a[period 0]", "with --cohort-size"},
      {"percent above 100", "period,a\n0,100\n1,101\n", 1000, 3, 3,
       "a[period 1]", "more survivors than starters"},
      {"unterminated quote", "period,\"a\n0,1\n", 0, 1, 8, "",
       "unterminated quoted cell"},
  };
  return cases;
}

TEST(SurvivalTable, BadDataIsRefusedWithLineColumnAndKey) {
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.what);
    try {
      parse_survival_table(c.text, "bad.csv", {c.cohort_size});
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "bad.csv");
      EXPECT_EQ(e.mark().line, c.line) << e.what();
      EXPECT_EQ(e.mark().column, c.column) << e.what();
      EXPECT_EQ(e.key_path(), c.key) << e.what();
      EXPECT_NE(e.problem().find(c.problem), std::string::npos) << e.what();
      EXPECT_FALSE(e.expected().empty()) << e.what();
    }
  }
}

// What the reader accepts, fit_sbg accepts: no library error can reach the
// user without a line number.
TEST(SurvivalTable, AcceptedTablesAreValidForTheFit) {
  const SurvivalTable t = parse_survival_table(
      "period,a,b\n0,1000,\n1,1000,10\n2,0,10\n3,0,0\n", "edge.csv");
  EXPECT_NO_THROW(fit_sbg(sbg_cohorts_through(t, 3)));
}

}  // namespace
}  // namespace clvsim
