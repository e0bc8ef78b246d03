// Reading back the CSV files clvsim writes (periods.csv, sweep.csv,
// sensitivity.csv), for the report.
//
// RFC 4180: comma-separated cells, records ended by LF or CRLF, cells in
// double quotes may hold commas, quotes (doubled) and line breaks. A UTF-8
// byte-order mark and blank lines are ignored. Every problem is an
// InputError located at FILE:LINE:COL with the column name as key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace clvsim {

class CsvTable {
 public:
  struct Row {
    int line = 0;                // 1-based line where the record starts
    std::vector<std::string> cells;
    std::vector<int> columns;    // 1-based column of each cell
  };

  // Parses `text`; `file` names it in errors. The first record is the
  // header; every other record must have as many cells. Throws InputError.
  CsvTable(const std::string& text, std::string file);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<Row>& rows() const { return rows_; }

  // Index of the column called `name`; throws InputError (key "header")
  // when the header has none.
  std::size_t column(const std::string& name) const;
  std::optional<std::size_t> find_column(const std::string& name) const;

  // The cell as a finite number; throws InputError when it is empty or not
  // a number.
  double number(const Row& row, std::size_t column) const;
  // The same, but an empty cell (an unknown value) is nullopt.
  std::optional<double> optional_number(const Row& row, std::size_t column) const;
  // An empty cell is NaN (a standard error with one replication).
  double number_or_nan(const Row& row, std::size_t column) const;
  // A whole number in [lo, hi].
  long long integer(const Row& row, std::size_t column, long long lo, long long hi) const;

 private:
  [[noreturn]] void fail(const Row& row, std::size_t column, const std::string& problem,
                         const std::string& expected) const;

  std::string file_;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

}  // namespace clvsim
