// The human summary printed after `clvsim run`. Plain ASCII so it survives
// any terminal, log file or CI console; machine consumers read summary.json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "clvsim/outputs.hpp"

namespace clvsim {
namespace {

enum class Align { left, right };

// Columns sized to their widest cell, separated by two spaces.
class Table {
 public:
  explicit Table(std::vector<Align> align) : align_(std::move(align)) {}

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string render(const std::string& indent) const {
    std::vector<std::size_t> width(align_.size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        width[c] = std::max(width[c], row[c].size());
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        if (c > 0) line += "  ";
        std::string pad(width[c] - row[c].size(), ' ');
        line += align_[c] == Align::right ? pad + row[c] : row[c] + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    return out;
  }

 private:
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double x, int decimals, bool sign = false) {
  if (!std::isfinite(x)) return "n/a";
  // Keep "-0.00" from appearing for values that round to zero.
  if (std::fabs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, x);
  return buf;
}

std::string plus_minus(double half_width, int decimals, const char* unit = "") {
  if (!std::isfinite(half_width)) return "+/- n/a";
  return "+/- " + fixed(half_width, decimals) + unit;
}

std::string interval(const Interval& ci, int decimals, bool sign = false) {
  if (!std::isfinite(ci.low) || !std::isfinite(ci.high)) return "";
  return "[" + fixed(ci.low, decimals, sign) + ", " +
         fixed(ci.high, decimals, sign) + "]";
}

double half_width(const Interval& ci) { return 0.5 * (ci.high - ci.low); }

const char* verdict(const Interval& ci) {
  if (std::isfinite(ci.low) && ci.low > 0) return "better";
  if (std::isfinite(ci.high) && ci.high < 0) return "worse";
  return "no clear difference";
}

std::string strategies_table(const Results& results) {
  std::string out;
  for (const auto& strategy : results.strategies) {
    out += "Strategy " + strategy.name + "\n";
    Table table({Align::left, Align::right, Align::right, Align::right,
                 Align::left, Align::right, Align::right});
    table.add(
        {"segment", "customers", "CLV", "", "95% CI", "survival at end", ""});
    for (const auto& s : strategy.segments) {
      table.add({s.name, std::to_string(s.customers), fixed(s.clv.mean, 2),
                 plus_minus(half_width(s.clv_ci95), 2), interval(s.clv_ci95, 2),
                 fixed(100.0 * s.survival_end.mean, 2) + "%",
                 plus_minus(100.0 * 1.96 * s.survival_end.se, 2, "%")});
    }
    out += table.render("  ");
    if (const auto& b = strategy.budget) {
      out += "  Budget " + fixed(b->per_period, 2) + " per period: spent " +
             fixed(b->spend.mean, 2) + " on average (most " + fixed(b->max_spend, 2) +
             "); binding in " + fixed(100.0 * b->binding_share, 1) + "% of periods, " +
             fixed(b->denied.mean, 1) + " customers a period moved to none\n";
    }
  }
  return out;
}

std::string comparisons_table(const Results& results) {
  std::string out =
      "Strategy vs baseline (paired by replication; better/worse = 95% CI "
      "of the CLV uplift excludes 0)\n";
  Table table({Align::left, Align::left, Align::left, Align::right,
               Align::right, Align::left, Align::right, Align::right,
               Align::left});
  table.add({"strategy", "baseline", "segment", "CLV uplift", "", "95% CI",
             "cost change", "ROI", "verdict"});
  for (const auto& c : results.comparisons) {
    table.add({c.strategy, c.baseline, c.segment,
               fixed(c.clv_uplift.mean, 2, true),
               plus_minus(half_width(c.clv_uplift_ci95), 2),
               interval(c.clv_uplift_ci95, 2, true),
               fixed(c.treatment_cost_change.mean, 2, true),
               c.roi ? fixed(*c.roi, 2) : "-", verdict(c.clv_uplift_ci95)});
  }
  out += table.render("  ");
  return out;
}

}  // namespace

std::string console_table(const Results& results) {
  std::string out = "Scenario " + results.scenario + ": " +
                    std::to_string(results.replications) + " replication" +
                    (results.replications == 1 ? "" : "s") + ", horizon " +
                    std::to_string(results.horizon) + ", discount rate " +
                    fixed(results.discount_rate, 4) +
                    " per period. CLV = discounted profit per initial "
                    "customer.\n";
  if (results.replications < 2) {
    out +=
        "(one replication: no standard errors or intervals; use "
        "--replications 2 or more)\n";
  }
  out += "\n" + strategies_table(results);
  if (!results.comparisons.empty()) {
    out += "\n" + comparisons_table(results);
    out +=
        "  ROI = CLV uplift / extra treatment cost; '-' where the cost "
        "does not rise.\n";
  }
  return out;
}

}  // namespace clvsim
