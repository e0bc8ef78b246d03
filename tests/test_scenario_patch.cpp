// Writing fitted churn into a scenario as a text edit (scenario_patch.hpp):
// each test states the whole expected file, so every byte outside the
// churn value, comments included, is checked.
#include "clvsim/scenario_patch.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim {
namespace {

const char* const kFitted = "{sbg: {alpha: 0.7036, beta: 1.1817}}  # fitted";

std::string patch(const std::string& text, const std::string& segment) {
  return set_segment_churn_sbg(text, "s.yaml", segment, 0.70364, 1.18166,
                               "fitted");
}

const Segment& segment_of(const Scenario& s, const std::string& name) {
  for (const Segment& seg : s.segments) {
    if (seg.name == name) return seg;
  }
  throw std::logic_error("no segment " + name);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ScenarioPatch, ChurnFlowText) {
  EXPECT_EQ(sbg_churn_flow(0.70364, 1.18166),
            "{sbg: {alpha: 0.7036, beta: 1.1817}}");
  EXPECT_EQ(sbg_churn_flow(60, 0.0123456), "{sbg: {alpha: 60.0000, beta: 0.01235}}");
  EXPECT_EQ(sbg_churn_flow(2.5e7, 0.1), "{sbg: {alpha: 2.5e+07, beta: 0.1000}}");
  EXPECT_THROW(sbg_churn_flow(0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(sbg_churn_flow(1.0, std::numeric_limits<double>::infinity()),
               std::invalid_argument);
}

// The shipped flow-style scenario: one line changes, nothing else.
TEST(ScenarioPatch, FlowStyleOnOneLine) {
  const std::string text = read_file(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml");
  const std::string old_line = "    churn: {sbg: {alpha: 1.2, beta: 20}}\n";
  ASSERT_NE(text.find(old_line), std::string::npos);
  std::string expected = text;
  expected.replace(text.find(old_line), old_line.size(),
                   "    churn: " + std::string(kFitted) + "\n");
  const std::string out = patch(text, "consultative");
  EXPECT_EQ(out, expected);
  const Scenario s = load_scenario_text(out, "s.yaml");
  EXPECT_EQ(segment_of(s, "consultative").churn.kind, ChurnModel::Kind::sbg);
  EXPECT_EQ(segment_of(s, "consultative").churn.alpha, 0.7036);
  EXPECT_EQ(segment_of(s, "consultative").churn.beta, 1.1817);
  EXPECT_EQ(segment_of(s, "strategic").churn.alpha, 2.0);
}

const char* const kHead =
    "# Churn written every way YAML allows.\n"
    "name: styles   # the name\n"
    "horizon: 12\n"
    "segments:\n";

const char* const kStyles =
    "  - name: block\n"
    "    customers: 100\n"
    "    churn:        # per-customer churn\n"
    "      sbg:\n"
    "        alpha: 0.9   # from the 2019 cohort\n"
    "\n"
    "        beta: 12\n"
    "        # beta was 10 before the price change\n"
    "    # a comment at the key's indentation stays\n"
    "\n"
    "    revenue: {mean: 10}\n"
    "  - name: multiline\n"
    "    customers: 100\n"
    "    churn: {sbg: {alpha: 0.5,   # first line\n"
    "                  beta: 3}}   # two lines\n"
    "    revenue: {mean: 10}   # keep me\n"
    "  - churn:\n"
    "      geometric: 0.1\n"
    "    name: first-key\n"
    "    customers: 5\n"
    "    revenue: {mean: 1}\n"
    "  - name: quoted\n"
    "    \"churn\" : {geometric: 0.2}\n"
    "    customers: 1\n"
    "    revenue: {mean: 1}\n"
    "  - name: last\n"
    "    customers: 1\n"
    "    revenue: {mean: 1}\n"
    "    churn:\n"
    "      geometric: 0.3";  // no newline at the end of the file

std::string replaced(const std::string& from, const std::string& to) {
  std::string text = kStyles;
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("no " + from);
  return kHead + text.replace(at, from.size(), to);
}

TEST(ScenarioPatch, BlockStyleOverSeveralLines) {
  const std::string text = std::string(kHead) + kStyles;
  EXPECT_EQ(patch(text, "block"),
            replaced("    churn:        # per-customer churn\n"
                     "      sbg:\n"
                     "        alpha: 0.9   # from the 2019 cohort\n"
                     "\n"
                     "        beta: 12\n"
                     "        # beta was 10 before the price change\n",
                     "    churn: " + std::string(kFitted) + "\n"));
}

TEST(ScenarioPatch, FlowStyleOverSeveralLines) {
  // beta: "3" is a quoted string, which the loader refuses: the original is
  // not a valid scenario, and the edit removes the problem.
  std::string text = std::string(kHead) + kStyles;
  text.replace(text.find("beta: 3"), 7, "beta: \"3\"");
  EXPECT_THROW(load_scenario_text(text, "s.yaml"), InputError);
  const std::string out = patch(text, "multiline");
  EXPECT_EQ(out, replaced("    churn: {sbg: {alpha: 0.5,   # first line\n"
                          "                  beta: 3}}   # two lines\n",
                          "    churn: " + std::string(kFitted) + "\n"));
  EXPECT_EQ(segment_of(load_scenario_text(out, "s.yaml"), "multiline").churn.beta,
            1.1817);
}

TEST(ScenarioPatch, ChurnAsTheItemsFirstKeyQuotedOrLast) {
  const std::string fixed = std::string(kHead) + kStyles;
  const auto expect = [&](const std::string& seg, const std::string& from,
                          const std::string& to) {
    SCOPED_TRACE(seg);
    std::string expected = fixed;
    expected.replace(expected.find(from), from.size(), to);
    EXPECT_EQ(patch(fixed, seg), expected);
  };
  expect("first-key", "  - churn:\n      geometric: 0.1\n",
         "  - churn: " + std::string(kFitted) + "\n");
  expect("quoted", "    \"churn\" : {geometric: 0.2}\n",
         "    \"churn\" : " + std::string(kFitted) + "\n");
  expect("last", "    churn:\n      geometric: 0.3",
         "    churn: " + std::string(kFitted));
}

TEST(ScenarioPatch, MissingChurnIsInsertedAfterTheName) {
  const std::string text = std::string(kHead) +
                           "  - name: one   # the only one\n"
                           "    customers: 1\n"
                           "    revenue: {mean: 1}\n"
                           "# end\n";
  EXPECT_EQ(patch(text, "one"), std::string(kHead) +
                                    "  - name: one   # the only one\n"
                                    "    churn: " + kFitted + "\n"
                                    "    customers: 1\n"
                                    "    revenue: {mean: 1}\n"
                                    "# end\n");
  // Items at the same indentation as `segments:`.
  const std::string flush = "name: x\nhorizon: 3\nsegments:\n- name: a\n"
                            "  customers: 1\n  revenue: {mean: 1}\n";
  EXPECT_EQ(patch(flush, "a"), "name: x\nhorizon: 3\nsegments:\n- name: a\n"
                               "  churn: " + std::string(kFitted) + "\n"
                               "  customers: 1\n  revenue: {mean: 1}\n");
}

TEST(ScenarioPatch, KeepsCrlfLineEndings) {
  // Segment b has no churn yet, so the file becomes valid only once it has.
  const std::string text =
      "name: x\r\nhorizon: 3\r\nsegments:\r\n  - name: a\r\n    churn:\r\n"
      "      geometric: 0.1 # old\r\n    customers: 1\r\n    revenue: {mean: 1}\r\n"
      "  - name: b\r\n    customers: 1\r\n    revenue: {mean: 1}\r\n";
  std::string with_b = text;
  const std::string name_b = "  - name: b\r\n";
  with_b.insert(with_b.find(name_b) + name_b.size(),
                "    churn: " + std::string(kFitted) + "\r\n");
  EXPECT_EQ(patch(text, "b"), with_b);
  EXPECT_THROW(patch(text, "a"), InputError);  // b still has no churn
  std::string with_a = with_b;
  const std::string old = "    churn:\r\n      geometric: 0.1 # old\r\n";
  with_a.replace(with_a.find(old), old.size(),
                 "    churn: " + std::string(kFitted) + "\r\n");
  EXPECT_EQ(patch(with_b, "a"), with_a);
}

TEST(ScenarioPatch, CommentLineBreaksBecomeSpaces) {
  const std::string text = "name: x\nhorizon: 3\nsegments:\n  - name: a\n"
                           "    churn: {geometric: 0.1}\n    customers: 1\n"
                           "    revenue: {mean: 1}\n";
  EXPECT_NE(set_segment_churn_sbg(text, "s.yaml", "a", 1, 2, "from\nx.csv\r")
                .find("{sbg: {alpha: 1.0000, beta: 2.0000}}  # from x.csv \n"),
            std::string::npos);
}

InputError error_of(const std::string& text, const std::string& segment) {
  try {
    patch(text, segment);
  } catch (const InputError& e) {
    return e;
  }
  throw std::logic_error("no InputError for segment " + segment);
}

TEST(ScenarioPatch, Errors) {
  const std::string valid = std::string(kHead) + kStyles;

  InputError e = error_of(valid, "nope");
  EXPECT_EQ(e.key_path(), "segments");
  EXPECT_EQ(e.mark().line, 5);
  EXPECT_NE(e.problem().find("no segment named 'nope'"), std::string::npos);
  EXPECT_NE(e.expected().find("block, multiline, first-key, quoted, last"),
            std::string::npos);

  e = error_of("name: x\nhorizon: 3\nsegments:\n"
               "  - {name: f, customers: 1, churn: {geometric: 0.1}, revenue: {mean: 1}}\n",
               "f");
  EXPECT_EQ(e.key_path(), "segments.f");
  EXPECT_EQ(e.mark().line, 4);
  EXPECT_NE(e.problem().find("flow style"), std::string::npos);

  e = error_of("name: x\nsegments: [\n", "a");
  EXPECT_NE(e.problem().find("invalid YAML"), std::string::npos);

  e = error_of("name: x\nhorizon: 3\n", "a");
  EXPECT_EQ(e.key_path(), "segments");

  // A problem elsewhere is reported at its line in the original file: the
  // edit turned six lines into one, and the unknown key is on line 35.
  std::string bad = valid + "\ncolour: blue\n";
  e = error_of(bad, "block");
  EXPECT_EQ(e.key_path(), "colour");
  EXPECT_EQ(e.mark().line, 35);
  EXPECT_NE(e.problem().find("churn set to the fit"), std::string::npos);
  // Before the edit, lines are unchanged.
  bad = valid;
  bad.replace(bad.find("horizon: 12"), 11, "horizon: -1");
  e = error_of(bad, "last");
  EXPECT_EQ(e.key_path(), "horizon");
  EXPECT_EQ(e.mark().line, 3);
}

TEST(ScenarioPatch, FileIsEditedAtomicallyOrNotAtAll) {
  const std::string dir = testing::TempDir();
  const std::string path = dir + "/clvsim-patch-test.yaml";
  const std::string text = read_file(CLVSIM_SOURCE_DIR "/scenarios/buyer_types.yaml");
  std::ofstream(path, std::ios::binary) << text;
  EXPECT_THROW(write_segment_churn_sbg(path, "nope", 1, 2, "c"), InputError);
  EXPECT_EQ(read_file(path), text);
  write_segment_churn_sbg(path, "strategic", 0.70364, 1.18166, "fitted");
  EXPECT_EQ(read_file(path), set_segment_churn_sbg(text, path, "strategic",
                                                   0.70364, 1.18166, "fitted"));
  std::remove(path.c_str());
  EXPECT_THROW(write_segment_churn_sbg(path, "strategic", 1, 2, "c"), InputError);
}

}  // namespace
}  // namespace clvsim
