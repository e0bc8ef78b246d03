// periods.csv: one tidy row per strategy x segment x period.
//
// Like summary.json this must be byte-identical for identical Results, so
// numbers use std::to_chars' shortest round-trip form, which is exact and
// independent of the locale.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "clvsim/outputs.hpp"
#include "csv_text.hpp"

namespace clvsim {
namespace {

void append_estimate(std::string& out, const Estimate& e) {
  out += ',';
  append_csv_number(out, e.mean);
  out += ',';
  append_csv_number(out, e.se);
}

}  // namespace

std::string periods_csv(const Results& results) {
  std::string out =
      "strategy,segment,period,active,active_se,survival,survival_se,"
      "retention,revenue,revenue_se,profit,profit_se,discounted_profit,"
      "discounted_profit_se,active_all,active_all_se,treatment_cost,"
      "treatment_cost_se,denied,denied_se\n";
  for (const auto& strategy : results.strategies) {
    std::string strategy_field;
    append_csv_field(strategy_field, strategy.name);
    const std::size_t n =
        std::min(strategy.segments.size(), strategy.periods.size());
    for (std::size_t s = 0; s < n; ++s) {
      std::string prefix = strategy_field + ',';
      append_csv_field(prefix, strategy.segments[s].name);
      prefix += ',';
      const auto& periods = strategy.periods[s];
      for (std::size_t t = 0; t < periods.size(); ++t) {
        const PeriodSummary& p = periods[t];
        out += prefix;
        out += std::to_string(t);
        append_estimate(out, p.active);
        append_estimate(out, p.survival);
        out += ',';
        if (p.retention) append_csv_number(out, *p.retention);
        append_estimate(out, p.revenue);
        append_estimate(out, p.profit);
        append_estimate(out, p.discounted_profit);
        append_estimate(out, p.active_all);
        append_estimate(out, p.treatment_cost);
        append_estimate(out, p.denied);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace clvsim
