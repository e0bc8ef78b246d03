// Observed retention read from a CSV file: the input of `clvsim fit sbg`.
//
// The file has a header row `period,<cohort>,<cohort>,...` and then one row
// per calendar period, numbered 0, 1, 2, ... without gaps. Each cohort
// column holds the customers still active (or, with a cohort size, the
// percent of its starters still active) in each period. A cohort acquired in
// a later period leaves the rows before it empty: its column starts at its
// first non-empty cell (its starters) and runs, without empty cells, to its
// last non-empty cell; only empty cells after that may follow.
//
//   # Fader & Hardie (2007), percent still active
//   period,Regular,High End
//   0,100,100
//   1,63.1,86.9
//   2,46.8,
//
// Lines whose first non-blank character is `#` and blank lines are skipped;
// CRLF line endings, a UTF-8 byte-order mark, spaces around cells and
// double-quoted cells ("High End", with "" for a quote) are accepted.
//
// The reader is strict: every problem (unreadable or empty file, a bad
// header, a wrong number of cells, a period that is not the next integer,
// a cell that is not a finite non-negative number, a gap inside a cohort, a
// cohort with no period after its starters, zero starters, more active
// customers than in the period before, a percent column not starting at
// 100) is an InputError with the file, the 1-based line and column and a
// key path such as `Regular[period 4]`. A SurvivalTable it returns satisfies
// everything fit_sbg requires of each cohort.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/sbg_fit.hpp"

namespace clvsim {

struct SurvivalTableOptions {
  // 0: cells are counts of active customers. N > 0: cells are percents of
  // each cohort's starters (the first cell of every cohort must be 100),
  // with N customers starting in each cohort, so a cell v stands for
  // v / 100 * N customers. The standard errors and the log-likelihood of a
  // fit depend on N. Default 0.
  std::uint64_t cohort_size = 0;
};

struct SurvivalCohort {
  std::string name;           // header cell, unquoted and trimmed
  int first_period = 0;       // calendar period of its starters
  // By age: values[a] is the cell of calendar period first_period + a, as
  // written (a count or a percent); at least 2 entries, non-increasing,
  // values[0] > 0.
  std::vector<double> values;
  std::vector<double> counts;  // values as customers (see cohort_size)
  std::vector<SourceMark> marks;  // where each value was read
  SourceMark header_mark;         // where the name was read

  int last_period() const {
    return first_period + static_cast<int>(values.size()) - 1;
  }
  // Percent of the starters active at age a.
  double percent(std::size_t age) const { return 100.0 * counts[age] / counts[0]; }
};

struct SurvivalTable {
  std::string file;                   // as given, for messages
  std::uint64_t cohort_size = 0;      // as in the options
  int periods = 0;                    // rows: calendar periods 0..periods-1
  std::vector<SourceMark> row_marks;  // where each period's row starts
  std::vector<SurvivalCohort> cohorts;  // in header order, at least one
};

// Reads and checks `path`. Throws InputError (see the file comment); an
// unreadable file has line 0.
SurvivalTable read_survival_table(const std::string& path,
                                  const SurvivalTableOptions& options = {});

// Same, from text already in memory; `file_name` is used in messages.
SurvivalTable parse_survival_table(const std::string& text,
                                   const std::string& file_name,
                                   const SurvivalTableOptions& options = {});

// The part of each cohort observed in calendar periods 0..last_period, as
// counts for fit_sbg; cohorts with fewer than 2 points there (starters
// only, or starting later) are left out, so the result may be empty.
std::vector<SbgCohort> sbg_cohorts_through(const SurvivalTable& table,
                                           int last_period);

}  // namespace clvsim
