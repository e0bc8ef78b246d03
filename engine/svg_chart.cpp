// Shared chart pieces (styles, ticks, axes, legend) and the line chart.
#include "svg_chart.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "report_format.hpp"

namespace clvsim::svg {
namespace detail {

std::string coord(double v) {
  if (!std::isfinite(v)) v = 0;
  if (std::fabs(v) < 0.05) v = 0;  // no "-0.0"
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

double text_width(const std::string& text, double font_size) {
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;  // count UTF-8 code points
  return static_cast<double>(chars) * font_size * 0.58;
}

std::string shorten(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars || max_chars < 2) return text;
  std::size_t cut = max_chars - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "\u2026";
}

std::string open_svg(const std::string& id, const std::string& kind, const std::string& title,
                     double width, double height) {
  return "<svg id=\"" + html_escape(id) + "\" class=\"chart\" data-chart=\"" + html_escape(kind) +
         "\" viewBox=\"0 0 " + coord(width) + " " + coord(height) +
         "\" role=\"img\" aria-labelledby=\"" + html_escape(id) + "-title\">\n<title id=\"" +
         html_escape(id) + "-title\">" + html_escape(title) + "</title>\n";
}

std::string close_svg() { return "</svg>\n"; }

std::string title_text(const std::string& title, double width) {
  const auto fits = static_cast<std::size_t>(std::max(8.0, (width - 16) / (13.5 * 0.6)));
  return "<text class=\"chart-title\" x=\"8\" y=\"18\">" + html_escape(shorten(title, fits)) +
         "</text>\n";
}

Ticks fit_ticks(double lo, double hi, double pixels, Format format, bool tight, int target) {
  for (;; --target) {
    Ticks t = nice_ticks(lo, hi, target, tight);
    double widest = 0;
    for (double v : t.values) widest = std::max(widest, text_width(tick_label(v, t.step, format), 11));
    // Labels need their own width and a gap between them.
    if (target <= 2 || (widest + 12) * static_cast<double>(t.values.size()) <= pixels) return t;
  }
}

std::string marker(const Style& s, double x, double y, double r) {
  const std::string paint = std::string(" fill=\"") + (s.filled ? s.colour : "#ffffff") +
                            "\" stroke=\"" + s.colour + "\" stroke-width=\"1.5\"";
  const auto pts = [&](std::initializer_list<std::pair<double, double>> p) {
    std::string out = "<polygon points=\"";
    bool first = true;
    for (auto [dx, dy] : p) {
      out += (first ? "" : " ") + coord(x + dx * r) + "," + coord(y + dy * r);
      first = false;
    }
    return out + "\"" + paint + "/>";
  };
  switch (s.marker) {
    case 1:
      return "<rect x=\"" + coord(x - 0.85 * r) + "\" y=\"" + coord(y - 0.85 * r) + "\" width=\"" +
             coord(1.7 * r) + "\" height=\"" + coord(1.7 * r) + "\"" + paint + "/>";
    case 2: return pts({{0, -1.15}, {1.05, 0.8}, {-1.05, 0.8}});
    case 3: return pts({{0, -1.2}, {1.1, 0}, {0, 1.2}, {-1.1, 0}});
    case 4: return pts({{0, 1.15}, {1.05, -0.8}, {-1.05, -0.8}});
    case 5:
      return "<path d=\"M" + coord(x - r) + " " + coord(y - r) + "L" + coord(x + r) + " " +
             coord(y + r) + "M" + coord(x - r) + " " + coord(y + r) + "L" + coord(x + r) + " " +
             coord(y - r) + "\" stroke=\"" + s.colour + "\" stroke-width=\"2\"/>";
    default:
      return "<circle cx=\"" + coord(x) + "\" cy=\"" + coord(y) + "\" r=\"" + coord(r) + "\"" +
             paint + "/>";
  }
}

std::string legend(const std::vector<LegendItem>& items, double x, double y, double width,
                   const std::string& hatch_id, double& height) {
  std::string out = "<g class=\"legend\">\n";
  double at = x, row = y;
  for (const LegendItem& item : items) {
    const double w = 34 + text_width(item.label, 11) + 14;
    if (at > x && at + w > x + width) {
      at = x;
      row += 17;
    }
    const Style s = style(item.style);
    const double cy = row + 6;
    switch (item.sample) {
      case LegendItem::Sample::line:
        out += "<path d=\"M" + coord(at) + " " + coord(cy) + "h28\" stroke=\"" + s.colour +
               "\" stroke-width=\"2\" fill=\"none\"" +
               (*s.dash ? std::string(" stroke-dasharray=\"") + s.dash + "\"" : "") + "/>" +
               marker(s, at + 14, cy, 3.6);
        break;
      case LegendItem::Sample::band:
        out += "<rect x=\"" + coord(at) + "\" y=\"" + coord(cy - 5) +
               "\" width=\"28\" height=\"10\" fill=\"#777777\" fill-opacity=\"0.22\"/>";
        break;
      case LegendItem::Sample::box:
      case LegendItem::Sample::hatched_box:
        out += "<rect x=\"" + coord(at + 4) + "\" y=\"" + coord(cy - 5) +
               "\" width=\"20\" height=\"10\" fill=\"" +
               (item.sample == LegendItem::Sample::box ? std::string(s.colour)
                                                       : "url(#" + html_escape(hatch_id) + ")") +
               "\" stroke=\"" + s.colour + "\"/>";
        break;
    }
    out += "<text x=\"" + coord(at + 34) + "\" y=\"" + coord(cy + 4) + "\">" +
           html_escape(item.label) + "</text>\n";
    at += w;
  }
  height = items.empty() ? 0 : row - y + 17;
  return out + "</g>\n";
}

std::string x_axis(const Ticks& ticks, double left, double right, double y, double top,
                   const std::string& title, Format format, bool grid) {
  std::string out = "<g class=\"axis x\">\n";
  const auto px = [&](double v) { return left + (v - ticks.lo) / (ticks.hi - ticks.lo) * (right - left); };
  for (double v : ticks.values) {
    const std::string x = coord(px(v));
    if (grid) {
      out += "<path class=\"grid\" d=\"M" + x + " " + coord(top) + "V" + coord(y) + "\"/>";
    }
    out += "<path d=\"M" + x + " " + coord(y) + "v4\"/><text x=\"" + x + "\" y=\"" +
           coord(y + 16) + "\" text-anchor=\"middle\">" + tick_label(v, ticks.step, format) +
           "</text>\n";
  }
  out += "<path d=\"M" + coord(left) + " " + coord(y) + "H" + coord(right) + "\"/>\n";
  out += "<text class=\"axis-title\" x=\"" + coord((left + right) / 2) + "\" y=\"" +
         coord(y + 34) + "\" text-anchor=\"middle\">" + html_escape(title) + "</text>\n";
  return out + "</g>\n";
}

}  // namespace detail

using namespace detail;

Style style(std::size_t index) {
  // Okabe & Ito (2008); yellow last, it is faint on white.
  static constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                             "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  static constexpr const char* kDashes[] = {"", "7 4", "2 3", "10 3 2 3", "4 2", "12 3 3 3 3 3"};
  return {kColours[index % 8], kDashes[index % 6], static_cast<int>(index % 6), index % 2 == 0};
}

Ticks nice_ticks(double lo, double hi, int target, bool tight) {
  Ticks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {  // one value: a range around it
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  t.step = (f <= 1.5 ? 1 : f <= 3 ? 2 : f <= 7 ? 5 : 10) * magnitude;
  const double first = std::ceil(lo / t.step - 1e-9), last = std::floor(hi / t.step + 1e-9);
  t.lo = tight ? lo : std::min(lo, std::floor(lo / t.step + 1e-9) * t.step);
  t.hi = tight ? hi : std::max(hi, std::ceil(hi / t.step - 1e-9) * t.step);
  const double from = tight ? first : std::floor(lo / t.step + 1e-9);
  const double to = tight ? last : std::ceil(hi / t.step - 1e-9);
  for (double k = from; k <= to + 0.5; k += 1) t.values.push_back(k * t.step);
  return t;
}

std::string tick_label(double value, double step, Format format) {
  const double scale = format == Format::percent ? 100.0 : 1.0;
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step * scale) + 1e-9)));
  return format_number(value * scale, decimals) + (format == Format::percent ? "%" : "");
}

std::string line_chart(const LineChart& c) {
  const bool categorical = !c.x.categories.empty();
  // Data ranges.
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const LineSeries& s : c.series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      for (const auto* v : {&s.y, &s.low, &s.high}) {
        if (i < v->size() && std::isfinite((*v)[i])) {
          y_lo = std::min(y_lo, (*v)[i]), y_hi = std::max(y_hi, (*v)[i]);
        }
      }
    }
    if (s.bar && std::isfinite(s.bar->low) && std::isfinite(s.bar->high)) {
      y_lo = std::min(y_lo, s.bar->low), y_hi = std::max(y_hi, s.bar->high);
    }
  }
  if (c.y.include_zero) y_lo = std::min(y_lo, 0.0), y_hi = std::max(y_hi, 0.0);
  if (c.y.min) y_lo = *c.y.min;
  if (c.y.max) y_hi = *c.y.max;
  const Ticks yt = nice_ticks(y_lo, y_hi, 6, false);
  double label_w = 0;
  for (double v : yt.values) label_w = std::max(label_w, text_width(tick_label(v, yt.step, c.y.format), 11));
  Ticks xt;
  if (categorical) {
    xt.lo = -0.5, xt.hi = static_cast<double>(c.x.categories.size()) - 0.5, xt.step = 1;
  } else {
    xt = fit_ticks(x_lo, x_hi, c.width - 60 - label_w, c.x.format, c.x.tight, 7);
  }

  // Layout.
  std::vector<LegendItem> items;
  bool any_band = false;
  for (const LineSeries& s : c.series) {
    items.push_back({s.label, s.style, LegendItem::Sample::line});
    any_band = any_band || !s.low.empty();
  }
  if (any_band && !c.band_label.empty()) items.push_back({c.band_label, 0, LegendItem::Sample::band});
  const double left = 30 + label_w, right = c.width - 18;
  double legend_h = 0;
  std::string out = open_svg(c.id, c.kind, c.title, c.width, c.height) + title_text(c.title, c.width);
  out += legend(items, left, 30, right - left, "", legend_h);
  const double top = 30 + legend_h + 8, bottom = c.height - 42;
  const auto px = [&](double v) { return left + (v - xt.lo) / (xt.hi - xt.lo) * (right - left); };
  const auto py = [&](double v) { return bottom - (v - yt.lo) / (yt.hi - yt.lo) * (bottom - top); };

  // Axes and grid.
  out += "<g class=\"axis y\">\n";
  for (double v : yt.values) {
    out += "<path class=\"grid\" d=\"M" + coord(left) + " " + coord(py(v)) + "H" + coord(right) +
           "\"/><text x=\"" + coord(left - 6) + "\" y=\"" + coord(py(v) + 4) +
           "\" text-anchor=\"end\">" + tick_label(v, yt.step, c.y.format) + "</text>\n";
  }
  out += "<path d=\"M" + coord(left) + " " + coord(top) + "V" + coord(bottom) + "\"/>\n";
  out += "<text class=\"axis-title\" transform=\"translate(13 " + coord((top + bottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + html_escape(c.y.title) + "</text>\n</g>\n";
  if (categorical) {
    Ticks shown = xt;
    const std::size_t n = c.x.categories.size();
    const std::size_t every = std::max<std::size_t>(1, n / 8 + (n % 8 != 0 && n > 8 ? 1 : 0));
    const std::size_t max_chars = static_cast<std::size_t>(std::max(4.0, (right - left) / std::min<double>(n, 8) / 6.4));
    out += "<g class=\"axis x\">\n";
    for (std::size_t i = 0; i < n; i += every) {
      const std::string x = coord(px(static_cast<double>(i)));
      out += "<path d=\"M" + x + " " + coord(bottom) + "v4\"/><text x=\"" + x + "\" y=\"" +
             coord(bottom + 16) + "\" text-anchor=\"middle\">" +
             html_escape(shorten(c.x.categories[i], max_chars)) + "</text>\n";
    }
    out += "<path d=\"M" + coord(left) + " " + coord(bottom) + "H" + coord(right) + "\"/>\n";
    out += "<text class=\"axis-title\" x=\"" + coord((left + right) / 2) + "\" y=\"" +
           coord(bottom + 34) + "\" text-anchor=\"middle\">" + html_escape(c.x.title) + "</text>\n</g>\n";
  } else {
    out += x_axis(xt, left, right, bottom, top, c.x.title, c.x.format, false);
  }
  if (yt.lo < 0 && yt.hi > 0) {
    out += "<path class=\"zero\" d=\"M" + coord(left) + " " + coord(py(0)) + "H" + coord(right) + "\"/>\n";
  }

  // Bands first, so every line stays on top of every band.
  for (const LineSeries& s : c.series) {
    if (s.low.empty() || s.high.empty()) continue;
    std::string upper, lower;
    for (std::size_t i = 0; i < s.x.size() && i < s.low.size() && i < s.high.size(); ++i) {
      if (!std::isfinite(s.low[i]) || !std::isfinite(s.high[i])) continue;
      upper += (upper.empty() ? "M" : "L") + coord(px(s.x[i])) + " " + coord(py(s.high[i]));
    }
    for (std::size_t i = std::min({s.x.size(), s.low.size(), s.high.size()}); i-- > 0;) {
      if (!std::isfinite(s.low[i]) || !std::isfinite(s.high[i])) continue;
      lower += "L" + coord(px(s.x[i])) + " " + coord(py(s.low[i]));
    }
    if (!upper.empty()) {
      out += "<path class=\"band\" d=\"" + upper + lower + "Z\" fill=\"" + style(s.style).colour +
             "\" fill-opacity=\"0.18\"/>\n";
    }
  }
  for (const LineSeries& s : c.series) {
    const Style st = style(s.style);
    std::string d;
    bool pen_down = false;
    std::vector<std::size_t> finite;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        pen_down = false;
        continue;
      }
      d += (pen_down ? "L" : "M") + coord(px(s.x[i])) + " " + coord(py(s.y[i]));
      pen_down = true;
      finite.push_back(i);
    }
    out += "<g class=\"series\" data-series=\"" + html_escape(s.label) + "\">\n";
    if (!d.empty()) {
      out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + st.colour + "\" stroke-width=\"2\"" +
             (*st.dash ? std::string(" stroke-dasharray=\"") + st.dash + "\"" : "") + "/>\n";
    }
    // A marker on every point of a short line; on a long one about seven,
    // staggered between series so they do not hide each other where lines
    // coincide.
    const std::size_t n = finite.size();
    if (n <= 12) {
      for (std::size_t i : finite) out += marker(st, px(s.x[i]), py(s.y[i]), 3.6);
    } else {
      for (std::size_t k = 0; k < 7; ++k) {
        const double at = (k + (s.style % 3) / 3.0) * static_cast<double>(n - 1) / 7.0;
        const std::size_t i = finite[std::min(n - 1, static_cast<std::size_t>(std::lround(at)))];
        out += marker(st, px(s.x[i]), py(s.y[i]), 3.6);
      }
    }
    if (s.bar && std::isfinite(s.bar->low) && std::isfinite(s.bar->high)) {
      const std::string x = coord(px(s.bar->x)), x0 = coord(px(s.bar->x) - 4), x1 = coord(px(s.bar->x) + 4);
      out += "<path class=\"whisker\" d=\"M" + x + " " + coord(py(s.bar->low)) + "V" +
             coord(py(s.bar->high)) + "M" + x0 + " " + coord(py(s.bar->low)) + "H" + x1 + "M" + x0 +
             " " + coord(py(s.bar->high)) + "H" + x1 + "\" stroke=\"" + st.colour + "\"/>";
    }
    out += "</g>\n";
  }
  return out + close_svg();
}

}  // namespace clvsim::svg
