// Charts with one row per category: bars with CI whiskers, CLV ranges and
// the tornado.
#include <algorithm>
#include <cmath>
#include <limits>

#include "report_format.hpp"
#include "svg_chart.hpp"

namespace clvsim::svg {
namespace {

using namespace detail;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Row labels down the left, from `top`, one per row.
std::string row_labels(const std::vector<std::string>& labels, double right, double top,
                       double row_h) {
  std::string out = "<g class=\"axis y\">\n";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += "<text x=\"" + coord(right) + "\" y=\"" + coord(top + (i + 0.5) * row_h + 4) +
           "\" text-anchor=\"end\">" + html_escape(labels[i]) + "</text>\n";
  }
  return out + "</g>\n";
}

double label_width(const std::vector<std::string>& labels, double cap) {
  double w = 0;
  for (const std::string& l : labels) w = std::max(w, text_width(l, 11));
  return std::min(w, cap);
}

void widen(double& lo, double& hi, double v) {
  if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
}

std::string zero_line(double x, double top, double bottom) {
  return "<path class=\"zero\" d=\"M" + coord(x) + " " + coord(top) + "V" + coord(bottom) + "\"/>\n";
}

std::string whisker(double x0, double x1, double y, double cap, const std::string& colour) {
  return "<path class=\"whisker\" d=\"M" + coord(x0) + " " + coord(y) + "H" + coord(x1) + "M" +
         coord(x0) + " " + coord(y - cap) + "V" + coord(y + cap) + "M" + coord(x1) + " " +
         coord(y - cap) + "V" + coord(y + cap) + "\" stroke=\"" + colour + "\"/>";
}

}  // namespace

std::string bar_chart(const BarChart& c) {
  const double row_h = 26, top = 34;
  std::vector<std::string> labels;
  double lo = 0, hi = 0;
  for (const BarRow& r : c.rows) {
    labels.push_back(shorten(r.label, 32));
    widen(lo, hi, r.value), widen(lo, hi, r.low), widen(lo, hi, r.high);
  }
  const double left = 16 + label_width(labels, 190), right = c.width - 84;
  const Ticks t = fit_ticks(lo, hi, right - left, Format::number, false, 6);
  const double bottom = top + row_h * c.rows.size() + 6, height = bottom + 44;
  const auto px = [&](double v) { return left + (v - t.lo) / (t.hi - t.lo) * (right - left); };

  std::string out = open_svg(c.id, c.kind, c.title, c.width, height) + title_text(c.title, c.width);
  out += x_axis(t, left, right, bottom, top, c.x_title, Format::number, true);
  out += row_labels(labels, left - 6, top, row_h);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const BarRow& r = c.rows[i];
    const Style s = style(r.style);
    const double y = top + (i + 0.5) * row_h;
    const double x0 = px(std::min(0.0, r.value)), x1 = px(std::max(0.0, r.value));
    out += "<g class=\"bar\" data-series=\"" + html_escape(r.label) + "\"><rect x=\"" + coord(x0) +
           "\" y=\"" + coord(y - 8) + "\" width=\"" + coord(std::max(x1 - x0, 0.6)) +
           "\" height=\"16\" fill=\"" + s.colour + "\"/>";
    if (std::isfinite(r.low) && std::isfinite(r.high)) {
      out += whisker(px(r.low), px(r.high), y, 5, "#1a1a1a");
    }
    out += "<text class=\"value\" x=\"" + coord(right + 6) + "\" y=\"" + coord(y + 4) + "\">" +
           html_escape(r.value_text) + "</text></g>\n";
  }
  out += zero_line(px(0), top, bottom);
  return out + close_svg();
}

std::string range_chart(const RangeChart& c) {
  const double row_h = 30, top = 50;
  std::vector<std::string> labels;
  double lo = kInf, hi = -kInf;
  for (const RangeRow& r : c.rows) {
    labels.push_back(shorten(r.label, 32));
    for (double v : {r.p05, r.p25, r.p50, r.p75, r.p95, r.mean}) widen(lo, hi, v);
  }
  if (!(lo <= hi)) lo = 0, hi = 1;
  const double left = 16 + label_width(labels, 190), right = c.width - 96;
  // A tight domain: the spread of CLV is what matters, not round ends.
  lo = std::min(lo, 0.0);
  const double pad = 0.03 * std::max(hi - lo, 1e-9);
  const Ticks t = fit_ticks(lo - pad, hi + pad, right - left, Format::number, true, 6);
  const double bottom = top + row_h * c.rows.size() + 6, height = bottom + 44;
  const auto px = [&](double v) { return left + (v - t.lo) / (t.hi - t.lo) * (right - left); };

  std::string out = open_svg(c.id, c.kind, c.title, c.width, height) + title_text(c.title, c.width);
  out += "<text class=\"chart-note\" x=\"8\" y=\"36\">whiskers p05\u2013p95 of single customers, "
         "box p25\u2013p75, bar median, marker mean</text>\n";
  out += x_axis(t, left, right, bottom, top, c.x_title, Format::number, true);
  out += row_labels(labels, left - 6, top, row_h);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const RangeRow& r = c.rows[i];
    const Style s = style(r.style);
    const double y = top + (i + 0.5) * row_h;
    out += "<g class=\"range\" data-series=\"" + html_escape(r.label) + "\">";
    out += whisker(px(r.p05), px(r.p95), y, 6, s.colour);
    out += "<rect x=\"" + coord(px(r.p25)) + "\" y=\"" + coord(y - 8) + "\" width=\"" +
           coord(std::max(px(r.p75) - px(r.p25), 0.6)) + "\" height=\"16\" fill=\"" + s.colour +
           "\" fill-opacity=\"0.25\" stroke=\"" + s.colour + "\"/>";
    out += "<path d=\"M" + coord(px(r.p50)) + " " + coord(y - 8) + "v16\" stroke=\"#1a1a1a\" stroke-width=\"2.5\"/>";
    out += marker(s, px(r.mean), y, 4.5);
    out += "<text class=\"value\" x=\"" + coord(right + 6) + "\" y=\"" + coord(y + 4) + "\">mean " +
           format_number(r.mean, 0) + "</text></g>\n";
  }
  if (t.lo < 0) out += zero_line(px(0), top, bottom);
  return out + close_svg();
}

std::string tornado_chart(const TornadoChart& c) {
  const double row_h = 24;
  std::vector<std::string> labels;
  double lo = 0, hi = 0;
  for (const TornadoRow& r : c.rows) {
    labels.push_back(shorten(r.label, 48));
    if (r.low) widen(lo, hi, *r.low);
    if (r.high) widen(lo, hi, *r.high);
  }
  // Room at both ends for the moved values written beside the bars.
  const double pad = 0.14 * std::max(hi - lo, 1e-9);
  const double left = 16 + label_width(labels, 300), right = c.width - 20;
  const Ticks t = fit_ticks(lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi, right - left,
                            Format::number, false, 7);
  const std::string hatch = c.id + "-hatch";
  const Style low_style = style(0), high_style = style(1);
  double legend_h = 0;
  std::string legend_svg = legend({{c.low_label, 0, LegendItem::Sample::box},
                                   {c.high_label, 1, LegendItem::Sample::hatched_box}},
                                  left, 30, right - left, hatch, legend_h);
  const double top = 30 + legend_h + 8;
  const double bottom = top + row_h * c.rows.size() + 6, height = bottom + 44;
  const auto px = [&](double v) { return left + (v - t.lo) / (t.hi - t.lo) * (right - left); };

  std::string out = open_svg(c.id, c.kind, c.title, c.width, height);
  out += "<defs><pattern id=\"" + html_escape(hatch) +
         "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
         "<path d=\"M0 0V6\" stroke=\"" + std::string(high_style.colour) +
         "\" stroke-width=\"3\"/></pattern></defs>\n";
  out += title_text(c.title, c.width) + legend_svg;
  out += x_axis(t, left, right, bottom, top, c.x_title, Format::number, true);
  out += row_labels(labels, left - 6, top, row_h);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const TornadoRow& r = c.rows[i];
    out += "<g class=\"tornado-row\" data-series=\"" + html_escape(r.label) + "\">";
    const double y = top + i * row_h + 3;
    // Down move above, up move below: both stay visible when they point
    // the same way.
    const auto side = [&](const std::optional<double>& change, const std::string& text, double y0,
                          const Style& s, bool hatched) {
      if (!change) {
        return "<text class=\"value\" x=\"" + coord(px(0) + 3) + "\" y=\"" + coord(y0 + 8) +
               "\">n/a</text>";
      }
      const double x0 = px(std::min(0.0, *change)), x1 = px(std::max(0.0, *change));
      const bool up = *change >= 0;
      return "<rect x=\"" + coord(x0) + "\" y=\"" + coord(y0) + "\" width=\"" +
             coord(std::max(x1 - x0, 0.6)) + "\" height=\"9\" fill=\"" +
             (hatched ? "url(#" + html_escape(hatch) + ")" : std::string(s.colour)) +
             "\" stroke=\"" + s.colour + "\"/><text class=\"value\" x=\"" +
             coord(up ? x1 + 3 : x0 - 3) + "\" y=\"" + coord(y0 + 8) + "\" text-anchor=\"" +
             (up ? "start" : "end") + "\">" + html_escape(text) + "</text>";
    };
    out += side(r.low, r.low_text, y, low_style, false);
    out += side(r.high, r.high_text, y + 9, high_style, true);
    out += "</g>\n";
  }
  out += zero_line(px(0), top, bottom);
  return out + close_svg();
}

}  // namespace clvsim::svg
