// Progress of a long run on stderr.
//
// On a terminal (isatty(stderr), TERM not "dumb") a one-line bar redrawn
// every kBarInterval with '\r':
//   [#########...........]  47% | 30/64 replications | 96.3 M customer-periods/s | ETA 0:12
// and cleared when the run ends. Anywhere else (a file, a pipe, a CI log) a
// plain line every kPlainInterval, nothing for shorter runs:
//   clvsim: 47% done (30 of 64 replications), 96.3 M customer-periods/s, about 12 s left
// Nothing with --quiet.
//
// The engine bumps relaxed atomic counters (clvsim/progress.hpp) once per
// block of customers; a reporter thread here wakes up, reads them and
// prints, so the simulation itself never locks, allocates or writes for
// progress, and results never depend on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "clvsim/progress.hpp"

namespace clvsim::cli {

inline constexpr std::chrono::milliseconds kBarInterval{100};
// The plain line's interval: frequent enough to show a long run is alive,
// rare enough not to flood a log.
inline constexpr std::chrono::seconds kPlainInterval{5};

// -------- formatting (pure functions, unit-tested) --------

// "0:07", "12:05", "1:02:03" (h:mm:ss from an hour on); "--:--" when the
// time is unknown (negative or not finite).
std::string format_clock(double seconds);

// "12 s", "4 min", "2 h 05 min" for plain lines; "" when unknown.
std::string format_words(double seconds);

// Three significant digits with a k/M/G suffix: "950", "12.3 k", "96.3 M",
// "1.20 G".
std::string format_rate(double per_second);

// "[#####.....]": `width` cells between the brackets, the fraction of them
// filled with '#' (rounded down, clamped to [0, 1]).
std::string progress_bar(double fraction, int width);

// What a display shows at one moment.
struct ProgressSnapshot {
  double fraction = -1;  // of the total work, in [0, 1]; < 0 unknown
  std::uint64_t done = 0, total = 0;  // counted items; total 0 = unknown
  std::string noun = "replications";
  double rate = -1;         // active customer-periods per second; < 0 unknown
  double eta_seconds = -1;  // < 0 unknown
  // The total is a most (run --precision stops at the first batch that meets
  // its target): no bar or percentage, and the ETA is to that most.
  bool upper_bound = false;
};

// The terminal line, at most `columns` - 1 characters wide (parts are
// shortened or left out to fit), ASCII only.
std::string bar_line(const ProgressSnapshot& s, int columns);

// The line for logs, "clvsim: ..." without a newline.
std::string plain_line(const ProgressSnapshot& s);

// -------- the reporter --------

enum class ProgressMode { off, bar, plain };

// off with --quiet; bar when stderr is a terminal and TERM is not "dumb";
// plain otherwise.
ProgressMode progress_mode(bool quiet);

class ProgressDisplay {
 public:
  // What the "done/total" count shows: the engine's replications, or the
  // scenarios of run_scenarios() (a sweep's points, a sensitivity's runs).
  enum class Count { replications, scenarios };

  // Starts the reporter thread unless `mode` is off. `noun` names the
  // counted items ("replications", "points", "runs").
  ProgressDisplay(ProgressMode mode, Count count, std::string noun, bool upper_bound = false);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // The counters for RunOptions::progress; nullptr when off, so a quiet run
  // counts nothing.
  RunProgress* counters() { return mode_ == ProgressMode::off ? nullptr : &progress_; }

  // Writes `line` and a newline to stderr, first clearing the bar so the two
  // never share a line; the bar comes back at the next tick. Thread-safe.
  void print(const std::string& line);

  // Stops and joins the reporter and clears the bar. Idempotent; call it
  // before writing outputs or printing anything else.
  void stop();

 private:
  void report(std::stop_token stop);
  ProgressSnapshot snapshot(std::chrono::steady_clock::time_point now);
  void clear_bar();  // caller holds mutex_

  const ProgressMode mode_;
  const Count count_;
  const std::string noun_;
  const bool upper_bound_;
  RunProgress progress_;
  const std::chrono::steady_clock::time_point start_;
  // (time, active customer-periods) over the last few seconds, for the rate.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> samples_;
  std::mutex mutex_;  // stderr writes and the bar's state
  std::condition_variable_any wake_;
  std::size_t shown_ = 0;  // characters of the bar on screen
  std::jthread thread_;    // last: stopped and joined before the rest goes
};

}  // namespace clvsim::cli
