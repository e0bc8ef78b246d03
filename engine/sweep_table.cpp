#include <string>

#include "clvsim/sweep.hpp"
#include "text_table.hpp"

namespace clvsim {

std::string sweep_table(const std::vector<SweepAxis>& axes,
                        const std::vector<std::vector<std::string>>& points,
                        const std::vector<Results>& results) {
  std::vector<Align> align = {Align::right};
  std::vector<std::string> header = {"point"};
  for (const SweepAxis& axis : axes) {
    align.push_back(Align::left);
    header.push_back(axis.path);
  }
  for (int i = 0; i < 4; ++i) align.push_back(i == 0 ? Align::left : Align::right);
  header.insert(header.end(), {"strategy", "CLV (total)", "95% CI", "uplift vs baseline"});
  Table table(align);
  table.add(header);
  for (std::size_t p = 0; p < points.size() && p < results.size(); ++p) {
    bool first = true;
    for (const StrategySummary& strategy : results[p].strategies) {
      std::vector<std::string> row = {first ? std::to_string(p + 1) : ""};
      for (const std::string& value : points[p]) row.push_back(first ? value : "");
      first = false;
      const SegmentSummary& total = strategy.segments.back();
      row.push_back(strategy.name);
      row.push_back(fixed(total.clv.mean, 2));
      row.push_back(plus_minus(half_width(total.clv_ci95), 2));
      std::string uplift = "(baseline)";
      for (const Comparison& c : results[p].comparisons) {
        if (c.strategy == strategy.name && c.segment == total.name) {
          uplift = fixed(c.clv_uplift.mean, 2, true) + " " +
                   plus_minus(half_width(c.clv_uplift_ci95), 2);
        }
      }
      row.push_back(results[p].comparisons.empty() ? "" : uplift);
      table.add(row);
    }
  }
  return table.render("");
}

}  // namespace clvsim
