#include "progress_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace clvsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The rate shown is over about this much recent time (on a terminal; plain
// lines use the time since the previous line).
constexpr Clock::duration kRateWindow = std::chrono::seconds(3);
// No ETA before this much time has gone: the first blocks say little.
constexpr double kEtaAfterSeconds = 0.5;
constexpr double kMaxClockSeconds = 99.0 * 3600;

std::string printf_string(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string count_text(const ProgressSnapshot& s, const char* separator) {
  if (s.total == 0) return "";
  return std::to_string(s.done) + separator + std::to_string(s.total) + " " + s.noun;
}

std::string percent_text(double fraction) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%3d%%",
                static_cast<int>(std::floor(std::clamp(fraction, 0.0, 1.0) * 100)));
  return buffer;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

void write_stderr(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

std::string format_clock(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  if (seconds > kMaxClockSeconds) return ">99h";
  const long total = std::lround(seconds);
  const long h = total / 3600, m = total / 60 % 60, sec = total % 60;
  char buffer[32];
  if (h > 0) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", h, m, sec);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", m, sec);
  }
  return buffer;
}

std::string format_words(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "";
  if (seconds > kMaxClockSeconds) return "over 99 h";
  if (seconds < 59.5) return std::to_string(std::lround(seconds)) + " s";
  const long minutes = std::lround(seconds / 60);
  if (minutes < 60) return std::to_string(minutes) + " min";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%ld h %02ld min", minutes / 60, minutes % 60);
  return buffer;
}

std::string format_rate(double x) {
  if (!std::isfinite(x) || x < 0) return "--";
  static const char* const kUnits[] = {"", " k", " M", " G", " T"};
  int unit = 0;
  while (unit < 4 && x >= 999.5) {
    x /= 1000;
    ++unit;
  }
  std::string digits;
  if (unit == 0) {
    digits = printf_string("%.0f", x);
  } else if (x < 9.995) {
    digits = printf_string("%.2f", x);
  } else if (x < 99.95) {
    digits = printf_string("%.1f", x);
  } else {
    digits = printf_string("%.0f", x);
  }
  return digits + kUnits[unit];
}

std::string progress_bar(double fraction, int width) {
  width = std::max(width, 0);
  const double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  const int filled = std::min(width, static_cast<int>(std::floor(f * width)));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::string bar_line(const ProgressSnapshot& s, int columns) {
  const std::size_t most = static_cast<std::size_t>(std::max(columns - 1, 1));
  const bool show_bar = !s.upper_bound && s.fraction >= 0;
  // Fixed-width numbers, so the parts do not jump about from tick to tick.
  std::string count;
  if (s.total > 0) {
    const std::string total = std::to_string(s.total);
    std::string done = std::to_string(s.done);
    if (done.size() < total.size()) done.insert(0, total.size() - done.size(), ' ');
    count = done + (s.upper_bound ? " of max " : "/") + total + " " + s.noun;
  }
  std::string rate = format_rate(s.rate);
  if (rate.size() < 6) rate.insert(0, 6 - rate.size(), ' ');
  const std::string eta_label = s.upper_bound ? "max ETA " : "ETA ";
  const std::string eta = eta_label + format_clock(s.eta_seconds);
  // The bar keeps room for an ETA of "mm:ss", so it keeps its width as the
  // ETA shortens (it narrows by three cells while the ETA is in hours).
  const std::size_t longest_eta = eta_label.size() + format_clock(59 * 60).size();
  const std::size_t eta_slack = longest_eta > eta.size() ? longest_eta - eta.size() : 0;

  auto make = [&](int bar_width, bool with_count) {
    std::string line;
    if (show_bar) {
      if (bar_width > 0) line = progress_bar(s.fraction, bar_width) + " ";
      line += percent_text(s.fraction);
    }
    auto add = [&](const std::string& part) { line += (line.empty() ? "" : " | ") + part; };
    if (with_count && !count.empty()) add(count);
    add(rate + " customer-periods/s");
    add(eta);
    return line;
  };
  // Widest first: the bar in the room left (10 to 40 cells), with the
  // count; then without the count; then no bar; then cut.
  for (const bool with_count : {true, false}) {
    if (!show_bar) break;
    const std::size_t rest = make(0, with_count).size() + 3 + eta_slack;  // "[] "
    if (rest + 10 <= most) {
      return make(static_cast<int>(std::min<std::size_t>(40, most - rest)), with_count);
    }
  }
  for (const bool with_count : {true, false}) {
    std::string line = make(0, with_count);
    if (line.size() <= most) return line;
  }
  return make(0, false).substr(0, most);
}

std::string plain_line(const ProgressSnapshot& s) {
  std::string line = "clvsim: ";
  if (s.upper_bound) {
    line += s.total > 0 ? count_text(s, " of at most ") + " done" : std::string("running");
  } else if (s.fraction >= 0) {
    line += percent_text(s.fraction).substr(percent_text(s.fraction).find_first_not_of(' ')) +
            " done";
    if (s.total > 0) line += " (" + count_text(s, " of ") + ")";
  } else {
    line += s.total > 0 ? count_text(s, " of ") + " done" : std::string("running");
  }
  line += ", " + format_rate(s.rate) + " customer-periods/s";
  const std::string left = format_words(s.eta_seconds);
  if (!left.empty()) {
    line += ", about " + left + " left";
    if (s.upper_bound) line += " if all " + std::to_string(s.total) + " " + s.noun + " run";
  }
  return line;
}

ProgressMode progress_mode(bool quiet) {
  if (quiet) return ProgressMode::off;
  if (::isatty(STDERR_FILENO) == 1) {
    const char* term = std::getenv("TERM");
    if (term == nullptr || std::strcmp(term, "dumb") != 0) return ProgressMode::bar;
  }
  return ProgressMode::plain;
}

ProgressDisplay::ProgressDisplay(ProgressMode mode, Count count, std::string noun,
                                 bool upper_bound)
    : mode_(mode),
      count_(count),
      noun_(std::move(noun)),
      upper_bound_(upper_bound),
      start_(Clock::now()) {
  samples_.emplace_back(start_, 0);
  if (mode_ != ProgressMode::off) {
    thread_ = std::jthread([this](std::stop_token stop) { report(std::move(stop)); });
  }
}

ProgressDisplay::~ProgressDisplay() { stop(); }

void ProgressDisplay::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();  // wakes the wait below
    thread_.join();
  }
  std::lock_guard lock(mutex_);
  clear_bar();
}

void ProgressDisplay::print(const std::string& line) {
  std::lock_guard lock(mutex_);
  clear_bar();
  write_stderr(line + "\n");
}

void ProgressDisplay::clear_bar() {
  if (shown_ == 0) return;
  write_stderr("\r" + std::string(shown_, ' ') + "\r");
  shown_ = 0;
}

ProgressSnapshot ProgressDisplay::snapshot(Clock::time_point now) {
  const auto relaxed = std::memory_order_relaxed;
  ProgressSnapshot s;
  s.noun = noun_;
  s.upper_bound = upper_bound_;
  if (count_ == Count::replications) {
    s.done = progress_.replications_done.load(relaxed);
    s.total = progress_.replications_total.load(relaxed);
  } else {
    s.done = progress_.scenarios_done.load(relaxed);
    s.total = progress_.scenarios_total.load(relaxed);
  }
  const std::uint64_t total = progress_.work_total.load(relaxed);
  const std::uint64_t done = progress_.work_done.load(relaxed);
  if (total > 0) s.fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));

  // The rate over the samples of the last kRateWindow, keeping the newest
  // one at least that old as the start.
  samples_.emplace_back(now, progress_.active_customer_periods.load(relaxed));
  while (samples_.size() > 2 && now - samples_[1].first >= kRateWindow) samples_.pop_front();
  const double span = std::chrono::duration<double>(now - samples_.front().first).count();
  if (span > 0) {
    s.rate = static_cast<double>(samples_.back().second - samples_.front().second) / span;
  }

  // Whole-run average speed: steadier than the recent rate.
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (s.fraction > 0 && elapsed >= kEtaAfterSeconds) {
    s.eta_seconds = elapsed * (1 - s.fraction) / s.fraction;
  }
  return s;
}

void ProgressDisplay::report(std::stop_token stop) {
  const Clock::duration interval =
      mode_ == ProgressMode::bar ? Clock::duration(kBarInterval) : Clock::duration(kPlainInterval);
  std::unique_lock lock(mutex_);
  Clock::time_point next = start_ + interval;
  for (;;) {
    wake_.wait_until(lock, stop, next, [] { return false; });
    if (stop.stop_requested()) return;
    const Clock::time_point now = Clock::now();
    if (now < next) continue;  // woke early
    const ProgressSnapshot s = snapshot(now);
    if (mode_ == ProgressMode::bar) {
      const std::string line = bar_line(s, terminal_columns());
      // Spaces over whatever a longer line left.
      const std::size_t pad = shown_ > line.size() ? shown_ - line.size() : 0;
      write_stderr("\r" + line + std::string(pad, ' '));
      shown_ = std::max(shown_, line.size());
    } else {
      write_stderr(plain_line(s) + "\n");
    }
    // From now, not from the last deadline: a late wake-up never makes two
    // lines in a row.
    next = now + interval;
  }
}

}  // namespace clvsim::cli
