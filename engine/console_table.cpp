// The human summary printed after `clvsim run`. Plain ASCII so it survives
// any terminal, log file or CI console; machine consumers read summary.json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "clvsim/outputs.hpp"
#include "text_table.hpp"

namespace clvsim {
namespace {

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
