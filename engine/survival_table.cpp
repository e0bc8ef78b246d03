#include "clvsim/survival_table.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>

#include "number_text.hpp"

namespace clvsim {
namespace {

constexpr const char* kHeaderExpected = "a header row period,<cohort>,<cohort>,...";

// One cell of a row: its text without surrounding spaces or quotes, and the
// 1-based column where it starts (for an empty cell, where it would be).
struct Cell {
  std::string text;
  int column = 1;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Cell state of one cohort while rows are read.
struct ColumnState {
  SurvivalCohort cohort;
  bool ended = false;          // an empty cell followed the last value
  int gap_period = 0;          // the first such empty cell
  SourceMark gap_mark;
};

class Reader {
 public:
  Reader(std::string file, const SurvivalTableOptions& options)
      : options_(options) {
    table_.file = std::move(file);
    table_.cohort_size = options.cohort_size;
  }

  SurvivalTable parse(std::string_view text);

 private:
  [[noreturn]] void fail(SourceMark mark, const std::string& key,
                         const std::string& problem,
                         const std::string& expected = {}) const {
    throw InputError(table_.file, mark, key, problem, expected);
  }

  std::vector<Cell> split(std::string_view line, int line_no) const;
  void read_header(const std::vector<Cell>& cells, int line_no);
  void read_row(const std::vector<Cell>& cells, int line_no);
  void read_value(ColumnState& col, const Cell& cell, SourceMark mark, int period);
  void finish(int end_line);

  SurvivalTableOptions options_;
  SurvivalTable table_;
  std::vector<ColumnState> columns_;
  SourceMark header_mark_;
  bool have_header_ = false;
};

// Splits one line (line ending removed) at commas outside double quotes.
std::vector<Cell> Reader::split(std::string_view line, int line_no) const {
  std::vector<Cell> cells;
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && is_blank(line[i])) ++i;
    Cell cell;
    cell.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= line.size()) {
          fail({line_no, cell.column}, "", "unterminated quoted cell",
               "a closing \"");
        }
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            cell.text += '"';
            ++j;
          } else {
            break;
          }
        } else {
          cell.text += line[j];
        }
      }
      i = j + 1;
      while (i < line.size() && is_blank(line[i])) ++i;
      if (i < line.size() && line[i] != ',') {
        fail({line_no, static_cast<int>(i) + 1}, "",
             "text after the closing quote of a cell",
             "a comma or the end of the line");
      }
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      std::size_t end = i;
      while (end > start && is_blank(line[end - 1])) --end;
      cell.text = std::string(line.substr(start, end - start));
    }
    cells.push_back(std::move(cell));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return cells;
}

void Reader::read_header(const std::vector<Cell>& cells, int line_no) {
  header_mark_ = {line_no, 1};
  if (lower(cells[0].text) != "period") {
    fail({line_no, cells[0].column}, "header",
         "first column is '" + cells[0].text + "', not 'period'",
         kHeaderExpected);
  }
  if (cells.size() < 2) {
    fail({line_no, cells[0].column}, "header", "no cohort columns",
         kHeaderExpected);
  }
  std::set<std::string> seen;
  for (std::size_t c = 1; c < cells.size(); ++c) {
    const SourceMark mark{line_no, cells[c].column};
    const std::string& name = cells[c].text;
    if (name.empty()) {
      fail(mark, "header", "column " + std::to_string(c + 1) + " has no name",
           "a cohort name in every header cell");
    }
    if (!seen.insert(name).second) {
      fail(mark, name, "duplicate cohort name", "a different name per column");
    }
    ColumnState col;
    col.cohort.name = name;
    col.cohort.header_mark = mark;
    columns_.push_back(std::move(col));
  }
  have_header_ = true;
}

void Reader::read_row(const std::vector<Cell>& cells, int line_no) {
  const SourceMark row_mark{line_no, 1};
  if (cells.size() != columns_.size() + 1) {
    fail(row_mark, "row",
         "has " + std::to_string(cells.size()) + " cells, the header has " +
             std::to_string(columns_.size() + 1),
         "one cell per header column; leave a cell empty as ,,");
  }
  const int period = table_.periods;
  const std::string& p = cells[0].text;
  long long value = -1;
  const auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  const SourceMark period_mark{line_no, cells[0].column};
  if (p.empty() || ec != std::errc() || ptr != p.data() + p.size()) {
    fail(period_mark, "period", "'" + p + "' is not a whole number",
         "period " + std::to_string(period));
  }
  if (value != period) {
    fail(period_mark, "period",
         period == 0 ? "the first row is period " + p
                     : "period " + p + " follows period " +
                           std::to_string(period - 1),
         "consecutive periods 0, 1, 2, ...; so period " +
             std::to_string(period));
  }
  table_.row_marks.push_back(row_mark);
  table_.periods = period + 1;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    read_value(columns_[c], cells[c + 1], {line_no, cells[c + 1].column},
               period);
  }
}

void Reader::read_value(ColumnState& col, const Cell& cell, SourceMark mark,
                        int period) {
  SurvivalCohort& cohort = col.cohort;
  if (cell.text.empty()) {
    if (!cohort.values.empty() && !col.ended) {
      col.ended = true;
      col.gap_period = period;
      col.gap_mark = mark;
    }
    return;
  }
  const auto key = [&](int at) {
    return cohort.name + "[period " + std::to_string(at) + "]";
  };
  if (col.ended) {
    fail(col.gap_mark, key(col.gap_period),
         "empty cell inside the cohort, which has values in periods " +
             std::to_string(cohort.first_period) + ".." +
             std::to_string(col.gap_period - 1) + " and " +
             std::to_string(period),
         "a value in every period from the cohort's starters to its last "
         "value");
  }
  const std::string& t = cell.text;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::invalid_argument || ptr != t.data() + t.size() ||
      !std::isfinite(v)) {
    fail(mark, key(period), "'" + t + "' is not a finite number",
         "a number >= 0, or an empty cell");
  }
  if (ec == std::errc::result_out_of_range) {
    fail(mark, key(period), t + " is out of range", "a number >= 0");
  }
  if (v < 0.0 || t.front() == '-') {
    fail(mark, key(period), "negative value " + t, "a number >= 0");
  }
  const bool percent = options_.cohort_size > 0;
  if (cohort.values.empty()) {
    if (v == 0.0) {
      fail(mark, key(period), "the cohort has no starters (first value 0)",
           "a first value > 0: the customers who started");
    }
    if (percent && v != 100.0) {
      fail(mark, key(period),
           "first value " + t + " with --cohort-size, which reads values as "
           "percent of the starters",
           "100, or counts without --cohort-size");
    }
    cohort.first_period = period;
  } else if (v > cohort.values.front()) {
    fail(mark, key(period),
         "more survivors than starters (" + t + " > " +
             shortest_text(cohort.values.front()) + ")",
         "at most the cohort's first value");
  } else if (v > cohort.values.back()) {
    fail(mark, key(period),
         "more active than in period " + std::to_string(period - 1) + " (" +
             t + " > " + shortest_text(cohort.values.back()) +
             "); active customers never come back",
         "a non-increasing column");
  }
  cohort.values.push_back(v);
  cohort.counts.push_back(
      percent ? v * (static_cast<double>(options_.cohort_size) / 100.0) : v);
  cohort.marks.push_back(mark);
}

void Reader::finish(int end_line) {
  if (!have_header_) {
    fail({end_line, 1}, "", "the file is empty", kHeaderExpected);
  }
  if (table_.periods == 0) {
    fail(header_mark_, "header", "no data rows after the header",
         "one row per period, starting with period 0");
  }
  for (ColumnState& col : columns_) {
    SurvivalCohort& cohort = col.cohort;
    if (cohort.values.empty()) {
      fail(cohort.header_mark, cohort.name, "the column has no values",
           "the cohort's starters and at least one later period");
    }
    if (cohort.values.size() < 2) {
      fail(cohort.marks.front(),
           cohort.name + "[period " + std::to_string(cohort.first_period) + "]",
           "the cohort has no period after its starters",
           "at least one value after the starters");
    }
    table_.cohorts.push_back(std::move(cohort));
  }
}

SurvivalTable Reader::parse(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const std::vector<Cell> cells = split(line, line_no);
    if (!have_header_) {
      read_header(cells, line_no);
    } else {
      read_row(cells, line_no);
    }
  }
  // End of file: the line after the last one (line 1 of an empty file).
  const bool ends_with_newline = !text.empty() && text.back() == '\n';
  finish(text.empty() ? 1 : line_no + (ends_with_newline ? 1 : 0));
  return std::move(table_);
}

}  // namespace

SurvivalTable parse_survival_table(const std::string& text,
                                   const std::string& file_name,
                                   const SurvivalTableOptions& options) {
  return Reader(file_name, options).parse(text);
}

SurvivalTable read_survival_table(const std::string& path,
                                  const SurvivalTableOptions& options) {
  const char* expected = "a readable CSV file";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path, {}, "", "is a directory, not a data file", expected);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, {}, "",
                     std::string("cannot open the file: ") + std::strerror(errno),
                     expected);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path, {}, "", "cannot read the file", expected);
  return parse_survival_table(text.str(), path, options);
}

std::vector<SbgCohort> sbg_cohorts_through(const SurvivalTable& table,
                                           int last_period) {
  std::vector<SbgCohort> out;
  for (const SurvivalCohort& cohort : table.cohorts) {
    const long long seen =
        static_cast<long long>(last_period) - cohort.first_period + 1;
    if (seen < 2) continue;
    const std::size_t n =
        std::min(cohort.counts.size(), static_cast<std::size_t>(seen));
    out.push_back(SbgCohort{std::vector<double>(
        cohort.counts.begin(), cohort.counts.begin() + static_cast<long>(n))});
  }
  return out;
}

}  // namespace clvsim
