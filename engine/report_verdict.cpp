// The report's verdict: the paired comparisons of a run told in one
// paragraph of plain language.
//
// The rules are those of the console table: a strategy is better or worse
// than the baseline only where the 95% CI of its paired CLV uplift excludes
// 0; a winner is named only when its total uplift's CI does; two winners are
// ranked only when their intervals do not overlap (the run holds no paired
// comparison between them).
#include <cmath>
#include <string>
#include <vector>

#include "clvsim/report.hpp"
#include "report_format.hpp"

namespace clvsim {
namespace {

enum class Call { better, worse, unclear, identical, unknown };

Call call(const Comparison& c) {
  const Interval& ci = c.clv_uplift_ci95;
  if (c.clv_uplift.mean == 0 && c.clv_uplift.se == 0) return Call::identical;
  if (!std::isfinite(ci.low) || !std::isfinite(ci.high)) return Call::unknown;
  if (ci.low > 0) return Call::better;
  if (ci.high < 0) return Call::worse;
  return Call::unclear;
}

std::string ci_text(const Interval& ci) {
  return "95% CI " + money(ci.low, true) + " to " + money(ci.high, true);
}

// "a", "a and b", "a, b and c"
std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

const SegmentSummary* find_segment(const Results& r, const std::string& strategy,
                                   const std::string& segment) {
  for (const StrategySummary& s : r.strategies) {
    if (s.name != strategy) continue;
    for (const SegmentSummary& g : s.segments) {
      if (g.name == segment) return &g;
    }
  }
  return nullptr;
}

// The comparisons of one strategy: its segments in order, then the total.
struct StrategyComparisons {
  std::string strategy;
  std::vector<const Comparison*> segments;
  const Comparison* total = nullptr;
};

std::vector<StrategyComparisons> group_by_strategy(const Results& r) {
  std::vector<StrategyComparisons> out;
  for (const Comparison& c : r.comparisons) {
    if (out.empty() || out.back().strategy != c.strategy) out.push_back({c.strategy, {}, nullptr});
    if (c.segment == "total") {
      out.back().total = &c;
    } else {
      out.back().segments.push_back(&c);
    }
  }
  return out;
}

std::string total_sentence(const Results& r, const StrategyComparisons& s, const std::string& baseline) {
  const Comparison& t = *s.total;
  const double u = t.clv_uplift.mean;
  std::string relative;
  if (const SegmentSummary* b = find_segment(r, baseline, "total")) {
    if (std::isfinite(b->clv.mean) && b->clv.mean > 0) {
      relative = ", " + format_number(100.0 * u / b->clv.mean, 1, true) + "% of the baseline's " +
                 money(b->clv.mean);
    }
  }
  switch (call(t)) {
    case Call::better:
      return s.strategy + " beats the baseline " + baseline + " in total by " + money(u) +
             " per customer (" + ci_text(t.clv_uplift_ci95) + relative + ").";
    case Call::worse:
      return s.strategy + " falls short of the baseline " + baseline + " in total by " +
             money(-u) + " per customer (" + ci_text(t.clv_uplift_ci95) + relative + ").";
    case Call::unclear:
      return s.strategy + " shows no clear difference from the baseline " + baseline +
             " in total: " + money(u, true) + " per customer, but the " +
             ci_text(t.clv_uplift_ci95) + " includes 0.";
    case Call::identical:
      return s.strategy + " gives exactly the same CLV as the baseline " + baseline +
             " in total (the same customers meet the same outcomes under both).";
    case Call::unknown:
      break;
  }
  return s.strategy + " differs from the baseline " + baseline + " by " + money(u, true) +
         " per customer in total, but with one replication its uncertainty is unknown, so no "
         "difference can be called significant.";
}

std::string segment_sentence(const StrategyComparisons& s) {
  std::vector<std::string> better, worse, unclear, identical;
  for (const Comparison* c : s.segments) {
    const std::string amount = " (" + money(c->clv_uplift.mean, true) + ")";
    switch (call(*c)) {
      case Call::better: better.push_back(c->segment + amount); break;
      case Call::worse: worse.push_back(c->segment + amount); break;
      case Call::identical: identical.push_back(c->segment); break;
      case Call::unclear:
      case Call::unknown: unclear.push_back(c->segment + amount); break;
    }
  }
  std::vector<std::string> parts;
  if (!better.empty()) parts.push_back("better for " + join_list(better));
  if (!worse.empty()) parts.push_back("worse for " + join_list(worse));
  if (!unclear.empty()) parts.push_back("no clear difference for " + join_list(unclear));
  if (!identical.empty()) parts.push_back("exactly the same for " + join_list(identical));
  std::string out = "By segment, per customer: ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : "; ") + parts[i];
  }
  return out + ".";
}

std::string cost_sentence(const Comparison& t) {
  const double change = t.treatment_cost_change.mean;
  if (!std::isfinite(change) || change == 0) return "Its treatment cost per customer is the same.";
  if (change < 0) {
    return "It spends " + money(-change) +
           " less per customer on treatments (CLV already nets this saving in).";
  }
  std::string out = "It spends " + money(change) + " more per customer on treatments";
  if (!t.roi) return out + ".";
  const double roi = *t.roi;
  out += "; ROI " + format_number(roi, 2) + ": ";
  if (roi > 0) {
    out += "each extra unit spent adds " + format_number(roi, 2) + " of CLV after paying for itself";
  } else {
    out += "the extra spend does not pay for itself";
  }
  if (call(t) != Call::better && call(t) != Call::worse) out += ", though the uplift behind it is not significant";
  return out + ".";
}

std::string conclusion(const std::vector<StrategyComparisons>& groups, const std::string& baseline) {
  std::vector<const StrategyComparisons*> winners, losers;
  for (const StrategyComparisons& g : groups) {
    if (!g.total) continue;
    if (call(*g.total) == Call::better) winners.push_back(&g);
    if (call(*g.total) == Call::worse) losers.push_back(&g);
  }
  if (winners.empty()) {
    if (losers.empty()) {
      return "No strategy differs significantly from the baseline " + baseline +
             " in total: on these numbers none can be called better or worse.";
    }
    return "No strategy beats the baseline " + baseline +
           " in total, so the baseline remains the best of the strategies simulated.";
  }
  const auto uplift = [](const StrategyComparisons* g) { return g->total->clv_uplift.mean; };
  std::size_t best = 0;
  for (std::size_t i = 1; i < winners.size(); ++i) {
    if (uplift(winners[i]) > uplift(winners[best])) best = i;
  }
  const StrategyComparisons& w = *winners[best];
  std::string out = "Overall winner: " + w.strategy + ", " + money(uplift(&w), true) +
                    " per customer over " + baseline + " in total (" +
                    ci_text(w.total->clv_uplift_ci95) + ")";
  std::vector<std::string> close, behind;
  for (std::size_t i = 0; i < winners.size(); ++i) {
    if (i == best) continue;
    const std::string item = winners[i]->strategy + " (" + money(uplift(winners[i]), true) + ")";
    const bool separated =
        w.total->clv_uplift_ci95.low > winners[i]->total->clv_uplift_ci95.high;
    (separated ? behind : close).push_back(item);
  }
  if (!behind.empty()) out += ", clearly ahead of " + join_list(behind) + ", which also beat" +
                              (behind.size() == 1 ? "s" : "") + " the baseline";
  out += ".";
  if (!close.empty()) {
    out += " " + join_list(close) + (close.size() == 1 ? " also beats" : " also beat") +
           " the baseline and the intervals overlap, so these numbers do not rank " +
           (close.size() == 1 ? "the two" : "them") +
           ": compare them directly by making one the baseline.";
  }
  return out;
}

}  // namespace

std::string report_verdict(const Results& r) {
  if (r.comparisons.empty()) {
    const std::string name = r.strategies.empty() ? std::string("one strategy") : r.strategies.front().name;
    return "Only one strategy, " + name +
           ", was simulated, so there is no comparison to judge: add a second strategy to the "
           "scenario to see what a different treatment is worth.";
  }
  const std::string baseline = r.comparisons.front().baseline;
  const std::vector<StrategyComparisons> groups = group_by_strategy(r);
  // The answer first, then the evidence strategy by strategy.
  std::string out = conclusion(groups, baseline) + " ";
  for (const StrategyComparisons& g : groups) {
    if (!g.total) continue;
    out += total_sentence(r, g, baseline) + " ";
    if (g.segments.size() > 1 && call(*g.total) != Call::identical) {
      out += segment_sentence(g) + " ";
    }
    out += cost_sentence(*g.total) + " ";
  }
  out += "Amounts are discounted CLV per initial customer over the " + std::to_string(r.horizon) +
         "-period horizon; each strategy is compared with the baseline replication by "
         "replication over " +
         std::to_string(r.replications) + (r.replications == 1 ? " replication" : " replications") +
         " (paired: the same simulated customers under both), and a difference counts only "
         "where its 95% confidence interval excludes 0.";
  return out;
}

}  // namespace clvsim
