#include "csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <utility>

#include "clvsim/error.hpp"

namespace clvsim {
namespace {

// Splits `text` into records of cells, keeping where each starts.
class Splitter {
 public:
  Splitter(const std::string& text, const std::string& file) : text_(text), file_(file) {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // byte-order mark
  }

  // The next non-blank record; false at the end of the text.
  bool next(CsvTable::Row& row) {
    while (pos_ < text_.size()) {
      row = {};
      row.line = line_;
      bool blank = true;
      for (;;) {
        std::string cell;
        const int column = column_at(pos_);
        const bool ended = read_cell(cell);
        blank = blank && cell.empty() && !quoted_;
        row.cells.push_back(std::move(cell));
        row.columns.push_back(column);
        if (ended) break;
      }
      if (!(blank && row.cells.size() == 1)) return true;
    }
    return false;
  }

 private:
  int column_at(std::size_t pos) const { return static_cast<int>(pos - line_start_) + 1; }

  void end_line() {
    ++line_;
    line_start_ = pos_;
  }

  [[noreturn]] void fail(const std::string& problem) const { fail_at({line_, column_at(pos_)}, problem); }

  [[noreturn]] void fail_at(SourceMark mark, const std::string& problem) const {
    throw InputError(file_, mark, "row", problem, "RFC 4180 CSV as clvsim writes it");
  }

  // Reads one cell; returns true when it ended its record (line break or
  // end of text), false when a comma follows.
  bool read_cell(std::string& cell) {
    quoted_ = pos_ < text_.size() && text_[pos_] == '"';
    if (quoted_) {
      const SourceMark start{line_, column_at(pos_)};
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size()) fail_at(start, "the quoted cell that starts here is not closed");
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            cell += '"';
            ++pos_;
            continue;
          }
          break;
        }
        cell += c;
        if (c == '\n') end_line();
      }
    }
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        return false;
      }
      if (c == '\n' || (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')) {
        pos_ += c == '\r' ? 2 : 1;
        end_line();
        return true;
      }
      if (quoted_) fail("text after the closing quote of a cell");
      if (c == '"') fail("a quote inside an unquoted cell");
      cell += c;
      ++pos_;
    }
    return true;
  }

  const std::string& text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  bool quoted_ = false;
};

}  // namespace

CsvTable::CsvTable(const std::string& text, std::string file) : file_(std::move(file)) {
  Splitter splitter(text, file_);
  Row row;
  if (!splitter.next(row)) {
    throw InputError(file_, {}, "", "the file is empty", "a header row and data rows");
  }
  header_ = std::move(row.cells);
  while (splitter.next(row)) {
    if (row.cells.size() != header_.size()) {
      throw InputError(file_, {row.line, 1}, "row",
                       "has " + std::to_string(row.cells.size()) + " cells, the header " +
                           std::to_string(header_.size()),
                       "one cell per column");
    }
    rows_.push_back(std::move(row));
  }
}

std::optional<std::size_t> CsvTable::find_column(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvTable::column(const std::string& name) const {
  if (auto i = find_column(name)) return *i;
  throw InputError(file_, {1, 1}, "header", "has no column '" + name + "'",
                   "the columns clvsim writes");
}

void CsvTable::fail(const Row& row, std::size_t column, const std::string& problem,
                    const std::string& expected) const {
  throw InputError(file_, {row.line, row.columns[column]}, header_[column], problem, expected);
}

std::optional<double> CsvTable::optional_number(const Row& row, std::size_t column) const {
  const std::string& cell = row.cells[column];
  if (cell.empty()) return std::nullopt;
  double value = 0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    fail(row, column, "'" + cell + "' is not a number", "a finite number");
  }
  return value;
}

double CsvTable::number(const Row& row, std::size_t column) const {
  if (auto x = optional_number(row, column)) return *x;
  fail(row, column, "is empty", "a number");
}

double CsvTable::number_or_nan(const Row& row, std::size_t column) const {
  return optional_number(row, column).value_or(std::nan(""));
}

long long CsvTable::integer(const Row& row, std::size_t column, long long lo,
                            long long hi) const {
  const std::string& cell = row.cells[column];
  long long value = 0;
  const char* end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  const std::string expected =
      "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (cell.empty() || ec != std::errc() || ptr != end || value < lo || value > hi) {
    fail(row, column, cell.empty() ? "is empty" : "'" + cell + "' is out of range or not a whole number",
         expected);
  }
  return value;
}

}  // namespace clvsim
