// The report's sections for one run: verdict, comparison, CLV, survival and
// retention, cumulative profit, budget use and reproduction.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "report_format.hpp"
#include "report_sections.hpp"
#include "svg_chart.hpp"
#include "text_table.hpp"

namespace clvsim {
namespace {

struct Context {
  const RunReport& run;
  const Results& r;
  std::string prefix;
  std::size_t baseline = 0;        // index of the baseline strategy
  std::vector<std::size_t> order;  // segment indices to chart: total first
  double t = 0;                    // 95% t factor; NaN with one replication
};

Context make_context(const RunReport& run, const std::string& prefix) {
  Context c{run, run.results, prefix, 0, {}, t_factor_95(run.results.replications)};
  if (!c.r.comparisons.empty()) {
    for (std::size_t i = 0; i < c.r.strategies.size(); ++i) {
      if (c.r.strategies[i].name == c.r.comparisons.front().baseline) c.baseline = i;
    }
  }
  const std::size_t n = c.r.strategies.front().segments.size();  // segments + total
  if (n == 2) {
    c.order = {0};  // one segment: its total is the same numbers
  } else {
    c.order.push_back(n - 1);
    for (std::size_t g = 0; g + 1 < n; ++g) c.order.push_back(g);
  }
  return c;
}

std::string chart_id(const Context& c, const std::string& kind, std::size_t g) {
  const SegmentSummary& seg = c.r.strategies.front().segments[g];
  return "chart-" + c.prefix + "-" + kind + "-" + std::to_string(g) + "-" + id_safe(seg.name);
}

std::string segment_title(const Context& c, std::size_t g) {
  const SegmentSummary& seg = c.r.strategies.front().segments[g];
  const std::string who = seg.name == "total" ? "all segments" : seg.name;
  return who + " (" + format_number(static_cast<double>(seg.customers), 0) + " customers)";
}

const Comparison* find_comparison(const Results& r, const std::string& strategy,
                                  const std::string& segment) {
  for (const Comparison& c : r.comparisons) {
    if (c.strategy == strategy && c.segment == segment) return &c;
  }
  return nullptr;
}

std::string verdict_word(const Comparison& c) { return verdict(c.clv_uplift_ci95); }

std::vector<double> periods_axis(int from, int horizon) {
  std::vector<double> x;
  for (int t = from; t < horizon; ++t) x.push_back(t);
  return x;
}

ReportSection verdict_section(const Context& c, const std::string& title_prefix) {
  std::string html = "<p class=\"verdict\" id=\"" + c.prefix + "-verdict\" data-verdict=\"\">" +
                     html_escape(report_verdict(c.r)) + "</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (const StrategySummary& s : c.r.strategies) {
    const SegmentSummary& total = s.segments.back();
    std::vector<std::string> row = {
        html_escape(s.name) + (s.name == c.r.strategies[c.baseline].name && !c.r.comparisons.empty()
                                   ? " <span class=\"tag\">baseline</span>"
                                   : ""),
        money(total.clv.mean), interval_text(total.clv_ci95.low, total.clv_ci95.high),
        percent(total.survival_end.mean), money(total.treatment_cost.mean)};
    if (const Comparison* k = find_comparison(c.r, s.name, "total")) {
      row.insert(row.end(), {money(k->clv_uplift.mean, true),
                             interval_text(k->clv_uplift_ci95.low, k->clv_uplift_ci95.high, true),
                             verdict_word(*k)});
    } else {
      row.insert(row.end(), {"", "", ""});
    }
    rows.push_back(std::move(row));
  }
  html += html_table({"strategy", "CLV per customer", "95% CI", "survival at end",
                      "treatment cost per customer", "uplift vs baseline", "95% CI", "verdict"},
                     rows, 1);
  return {c.prefix + "-verdict-section", title_prefix + "Verdict", html};
}

ReportSection comparison_section(const Context& c, const std::string& title_prefix) {
  std::string html;
  if (c.r.comparisons.empty()) {
    html = "<p>The scenario has one strategy: there is nothing to compare.</p>\n";
    return {c.prefix + "-comparison", title_prefix + "Comparison with the baseline", html};
  }
  const std::string& baseline = c.r.strategies[c.baseline].name;
  std::vector<std::string> figures;
  for (std::size_t g : c.order) {
    svg::BarChart chart;
    chart.id = chart_id(c, "uplift", g);
    chart.kind = "uplift";
    chart.title = segment_title(c, g);
    chart.x_title = "CLV uplift per customer vs " + baseline;
    const std::string& segment = c.r.strategies.front().segments[g].name;
    for (std::size_t k = 0; k < c.r.strategies.size(); ++k) {
      if (k == c.baseline) continue;
      const Comparison* cmp = find_comparison(c.r, c.r.strategies[k].name, segment);
      if (!cmp) continue;
      chart.rows.push_back({cmp->strategy, k, cmp->clv_uplift.mean, cmp->clv_uplift_ci95.low,
                            cmp->clv_uplift_ci95.high, money(cmp->clv_uplift.mean, true)});
    }
    figures.push_back(figure(svg::bar_chart(chart), ""));
  }
  html += "<p>Paired CLV uplift over <strong>" + html_escape(baseline) +
          "</strong>, replication by replication; bars are the mean, whiskers the 95% CI. A "
          "difference is significant where the whisker does not cross 0.</p>\n";
  html += chart_grid(figures);
  std::vector<std::vector<std::string>> rows;
  for (const Comparison& k : c.r.comparisons) {
    rows.push_back({html_escape(k.strategy), html_escape(k.segment), money(k.clv_uplift.mean, true),
                    interval_text(k.clv_uplift_ci95.low, k.clv_uplift_ci95.high, true),
                    money(k.treatment_cost_change.mean, true),
                    k.roi ? format_number(*k.roi, 2) : "\u2013", verdict_word(k)});
  }
  html += html_table({"strategy", "segment", "CLV uplift", "95% CI", "treatment cost change", "ROI",
                      "verdict"},
                     rows, 2);
  html += "<p class=\"note\">Per initial customer, discounted. ROI = uplift / extra treatment cost "
          "(CLV already nets that cost out); \u2013 where the cost does not rise.</p>\n";
  return {c.prefix + "-comparison", title_prefix + "Comparison with the baseline", html};
}

ReportSection clv_section(const Context& c, const std::string& title_prefix) {
  std::vector<std::string> figures;
  for (std::size_t g : c.order) {
    svg::RangeChart chart;
    chart.id = chart_id(c, "clv", g);
    chart.kind = "clv";
    chart.title = segment_title(c, g);
    chart.x_title = "CLV per customer";
    for (std::size_t k = 0; k < c.r.strategies.size(); ++k) {
      const SegmentSummary& s = c.r.strategies[k].segments[g];
      const ClvQuantiles& q = s.clv_quantiles;
      chart.rows.push_back({c.r.strategies[k].name, k, q.p05, q.p25, q.p50, q.p75, q.p95, s.clv.mean});
    }
    figures.push_back(figure(svg::range_chart(chart), ""));
  }
  std::string html =
      "<p>CLV is the discounted profit over the horizon per customer of today's cohort. The "
      "charts show how single customers' CLV spreads; the table gives each mean with its 95% "
      "CI across replications.</p>\n" +
      chart_grid(figures);
  std::vector<std::vector<std::string>> rows;
  for (const StrategySummary& s : c.r.strategies) {
    for (const SegmentSummary& g : s.segments) {
      const ClvQuantiles& q = g.clv_quantiles;
      rows.push_back({html_escape(s.name), html_escape(g.name), money(g.clv.mean),
                      interval_text(g.clv_ci95.low, g.clv_ci95.high), money(q.p05), money(q.p50),
                      money(q.p95), percent(g.survival_end.mean), money(g.revenue.mean),
                      money(g.treatment_cost.mean), format_number(g.equity.mean, 0)});
    }
  }
  html += html_table({"strategy", "segment", "CLV", "95% CI", "p05", "p50", "p95",
                      "survival at end", "revenue", "treatment cost", "equity"},
                     rows, 2);
  html += "<p class=\"note\">Revenue and treatment cost: discounted, per initial customer. Equity: "
          "discounted profit of all customers, acquired ones included, in total.</p>\n";
  return {c.prefix + "-clv", title_prefix + "CLV per customer", html};
}

svg::LineChart period_chart(const Context& c, const std::string& kind, std::size_t g) {
  svg::LineChart chart;
  chart.id = chart_id(c, kind, g);
  chart.kind = kind;
  chart.title = segment_title(c, g);
  chart.x.title = period_axis_title(c.run.period);
  chart.x.tight = true;
  return chart;
}

ReportSection survival_section(const Context& c, const std::string& title_prefix) {
  std::vector<std::string> survival, retention;
  for (std::size_t g : c.order) {
    svg::LineChart s = period_chart(c, "survival", g);
    s.y.title = "share of initial cohort active";
    s.y.format = svg::Format::percent;
    s.y.min = 0, s.y.max = 1;
    s.band_label = std::isfinite(c.t) ? "95% CI" : "";
    svg::LineChart r = period_chart(c, "retention", g);
    r.y.title = "retention (share of previous period)";
    r.y.format = svg::Format::percent;
    for (std::size_t k = 0; k < c.r.strategies.size(); ++k) {
      const auto& periods = c.r.strategies[k].periods[g];
      svg::LineSeries line{c.r.strategies[k].name, k, periods_axis(0, c.r.horizon), {}, {}, {}, {}};
      svg::LineSeries ret{c.r.strategies[k].name, k, periods_axis(1, c.r.horizon), {}, {}, {}, {}};
      for (std::size_t t = 0; t < periods.size(); ++t) {
        const Estimate& e = periods[t].survival;
        line.y.push_back(e.mean);
        if (std::isfinite(c.t)) {
          line.low.push_back(std::clamp(e.mean - c.t * e.se, 0.0, 1.0));
          line.high.push_back(std::clamp(e.mean + c.t * e.se, 0.0, 1.0));
        }
        if (t > 0) ret.y.push_back(periods[t].retention.value_or(std::nan("")));
      }
      s.series.push_back(std::move(line));
      r.series.push_back(std::move(ret));
    }
    survival.push_back(figure(svg::line_chart(s), ""));
    if (c.r.horizon > 1) retention.push_back(figure(svg::line_chart(r), ""));
  }
  std::string html =
      "<h3>Survival</h3>\n<p>Share of today's customers still active in each period, with its "
      "95% CI across replications.</p>\n" +
      chart_grid(survival);
  if (!retention.empty()) {
    html += "<h3>Retention by period</h3>\n<p>Active customers of today's cohort in each period "
            "as a share of those active in the period before. It rises over time where "
            "customers differ in their propensity to leave: the leavers leave first.</p>\n" +
            chart_grid(retention);
  }
  return {c.prefix + "-survival", title_prefix + "Survival and retention", html};
}

ReportSection profit_section(const Context& c, const std::string& title_prefix) {
  // One unit for all charts, chosen from the largest total.
  double largest = 0;
  for (const StrategySummary& s : c.r.strategies) {
    for (const SegmentSummary& g : s.segments) largest = std::max(largest, std::fabs(g.equity.mean));
  }
  const double unit = largest >= 1e7 ? 1e6 : largest >= 1e4 ? 1e3 : 1;
  const std::string unit_text = unit == 1e6 ? ", millions" : unit == 1e3 ? ", thousands" : "";
  std::vector<std::string> figures;
  for (std::size_t g : c.order) {
    svg::LineChart chart = period_chart(c, "profit", g);
    chart.y.title = "cumulative discounted profit" + unit_text;
    chart.y.include_zero = true;
    for (std::size_t k = 0; k < c.r.strategies.size(); ++k) {
      const auto& periods = c.r.strategies[k].periods[g];
      svg::LineSeries line{c.r.strategies[k].name, k, periods_axis(0, c.r.horizon), {}, {}, {}, {}};
      double sum = 0;
      for (const PeriodSummary& p : periods) {
        sum += p.discounted_profit.mean;
        line.y.push_back(sum / unit);
      }
      const Estimate& equity = c.r.strategies[k].segments[g].equity;
      if (std::isfinite(c.t) && !periods.empty()) {
        line.bar = svg::ErrorBar{static_cast<double>(c.r.horizon - 1),
                                 (equity.mean - c.t * equity.se) / unit,
                                 (equity.mean + c.t * equity.se) / unit};
      }
      chart.series.push_back(std::move(line));
    }
    figures.push_back(figure(svg::line_chart(chart), ""));
  }
  const std::string html =
      "<p>Discounted profit of all customers (acquired ones included) summed from period 0, "
      "in total, not per customer. The whisker at the last period is the 95% CI of the total "
      "(the equity); the periods' own intervals are correlated and are not drawn.</p>\n" +
      chart_grid(figures);
  return {c.prefix + "-profit", title_prefix + "Cumulative discounted profit", html};
}

std::string budget_table(const Results& r) {
  std::vector<std::vector<std::string>> rows;
  for (const StrategySummary& s : r.strategies) {
    if (!s.budget) continue;
    const BudgetUse& b = *s.budget;
    rows.push_back({html_escape(s.name), money(b.per_period), money(b.spend.mean), money(b.max_spend),
                    percent(b.binding_share), format_number(b.denied.mean, 1)});
  }
  if (rows.empty()) return "";
  return "<h3>Budget use</h3>\n" +
         html_table({"strategy", "cap per period", "mean spend per period", "largest spend",
                     "periods in which it bound", "customers moved to none per period"},
                    rows, 1);
}

ReportSection reproduce_section(const Context& c, const std::string& title_prefix) {
  const RunReport& run = c.run;
  std::vector<std::vector<std::string>> rows = {
      {"scenario", html_escape(c.r.scenario)},
      {"seed", std::to_string(c.r.seed)},
      {"replications", std::to_string(c.r.replications)},
      {"horizon", std::to_string(c.r.horizon) + " " + html_escape(run.period) + "s"},
      {"discount rate", html_escape(format_number(c.r.discount_rate, 4)) + " per " + html_escape(run.period)},
      {"clvsim version", run.version.empty() ? "unknown (no run.json)" : html_escape(run.version)}};
  if (!run.precision.empty()) rows.push_back({"precision target", html_escape(run.precision)});
  if (run.threads > 0) rows.push_back({"threads (results do not depend on them)", std::to_string(run.threads)});
  if (run.wall_seconds > 0) rows.push_back({"wall time", format_number(run.wall_seconds, 2) + " s"});
  if (!run.timestamp_utc.empty()) rows.push_back({"run at (UTC)", html_escape(run.timestamp_utc)});
  if (!run.scenario_file.empty()) rows.push_back({"scenario file", "<code>" + html_escape(run.scenario_file) + "</code>"});
  std::string html = html_table({"setting", "value"}, rows, 2, "settings");
  html += budget_table(c.r);
  html += "<p>The resolved scenario below has every default filled in and every override "
          "applied; <code>clvsim run scenario.resolved.yaml</code> with no options reproduces "
          "these results exactly, on any number of threads.</p>\n";
  html += resolved_yaml_block(run.resolved_yaml, "scenario.resolved.yaml");
  return {c.prefix + "-reproduce", title_prefix + "Reproduce this run", html};
}

}  // namespace

std::vector<ReportSection> run_sections(const RunReport& run, const std::string& prefix,
                                        const std::string& title_prefix) {
  const Context c = make_context(run, prefix);
  return {verdict_section(c, title_prefix), comparison_section(c, title_prefix),
          clv_section(c, title_prefix),     survival_section(c, title_prefix),
          profit_section(c, title_prefix),  reproduce_section(c, title_prefix)};
}

}  // namespace clvsim
