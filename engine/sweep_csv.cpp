// sweep.csv: the tidy table of a sweep, one row per point x strategy x
// segment, for plotting a metric against the varied values.
#include <string>

#include "clvsim/sweep.hpp"
#include "csv_text.hpp"

namespace clvsim {
namespace {

const Comparison* find_comparison(const Results& results, const std::string& strategy,
                                  const std::string& segment) {
  for (const Comparison& c : results.comparisons) {
    if (c.strategy == strategy && c.segment == segment) return &c;
  }
  return nullptr;
}

void append_numbers(std::string& out, std::initializer_list<double> values) {
  for (double x : values) {
    out += ',';
    append_csv_number(out, x);
  }
}

}  // namespace

std::string sweep_csv(const std::vector<SweepAxis>& axes,
                      const std::vector<std::vector<std::string>>& points,
                      const std::vector<Results>& results) {
  std::string out = "point";
  for (const SweepAxis& axis : axes) {
    out += ',';
    append_csv_field(out, axis.path);
  }
  out +=
      ",strategy,segment,clv,clv_se,clv_ci95_low,clv_ci95_high,survival_end,"
      "survival_end_se,treatment_cost,baseline,clv_uplift,clv_uplift_se,"
      "clv_uplift_ci95_low,clv_uplift_ci95_high,treatment_cost_change,roi\n";
  for (std::size_t p = 0; p < points.size() && p < results.size(); ++p) {
    std::string prefix = std::to_string(p + 1);
    for (const std::string& value : points[p]) {
      prefix += ',';
      append_csv_field(prefix, value);
    }
    for (const StrategySummary& strategy : results[p].strategies) {
      for (const SegmentSummary& g : strategy.segments) {
        out += prefix;
        out += ',';
        append_csv_field(out, strategy.name);
        out += ',';
        append_csv_field(out, g.name);
        append_numbers(out, {g.clv.mean, g.clv.se, g.clv_ci95.low, g.clv_ci95.high,
                             g.survival_end.mean, g.survival_end.se, g.treatment_cost.mean});
        out += ',';
        if (const Comparison* c = find_comparison(results[p], strategy.name, g.name)) {
          append_csv_field(out, c->baseline);
          append_numbers(out, {c->clv_uplift.mean, c->clv_uplift.se, c->clv_uplift_ci95.low,
                               c->clv_uplift_ci95.high, c->treatment_cost_change.mean});
          out += ',';
          if (c->roi) append_csv_number(out, *c->roi);
        } else {
          out += ",,,,,,";
        }
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace clvsim
