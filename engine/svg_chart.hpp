// Charts as inline SVG text, for the HTML report.
//
// Every chart is one <svg> element with a stable id and a data-chart
// attribute naming its kind, a <title> for screen readers, axis titles with
// units, "nice" tick values (1, 2, 5 x 10^k) and a legend. Series are told
// apart by colour (the Okabe-Ito palette, safe for colour-blind readers)
// *and* by dash pattern and marker shape, so a chart printed in greyscale
// stays readable. Output is a pure function of the input: coordinates are
// written with one decimal by std::to_chars, so the same data give the same
// bytes everywhere.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace clvsim::svg {

// How series number `index` is drawn; the same index gives the same look
// in every chart, so a strategy keeps its colour, dash and marker.
struct Style {
  const char* colour;  // stroke and fill colour, "#rrggbb"
  const char* dash;    // stroke-dasharray, "" = solid
  int marker;          // shape: 0 circle, 1 square, 2 triangle, 3 diamond, 4 triangle down, 5 cross
  bool filled;         // filled or hollow marker
};
Style style(std::size_t index);

enum class Format {
  number,   // 1,250 or 0.25, decimals from the tick step
  percent,  // a share shown as 25%
};

struct Axis {
  std::string title;  // with its unit, e.g. "period (month)"
  Format format = Format::number;
  bool include_zero = false;  // stretch the domain to include 0
  bool tight = false;         // domain = data range; ticks only inside it
  std::optional<double> min, max;  // fixed domain ends
  // Categorical axis (x only): one position per label, at 0, 1, 2, ...
  std::vector<std::string> categories;
};

// "Nice" ticks covering [lo, hi]: about `target` values, step 1, 2 or 5 x
// 10^k. `lo`, `hi` are stretched outwards to whole steps unless `tight`.
struct Ticks {
  std::vector<double> values;
  double step = 1;
  double lo = 0, hi = 1;  // the domain the axis spans
};
Ticks nice_ticks(double lo, double hi, int target, bool tight);

// A tick label: as many decimals as the step needs.
std::string tick_label(double value, double step, Format format);

struct ErrorBar {
  double x = 0, low = 0, high = 0;
};

struct LineSeries {
  std::string label;
  std::size_t style = 0;
  std::vector<double> x, y;       // NaN y leaves a gap
  std::vector<double> low, high;  // a band around y (e.g. 95% CI); empty = none
  std::optional<ErrorBar> bar;    // one interval drawn as a whisker
};

struct LineChart {
  std::string id;     // element id, unique in the page
  std::string kind;   // data-chart, e.g. "survival"
  std::string title;  // drawn above the plot and used as <title>
  Axis x, y;
  std::vector<LineSeries> series;
  double width = 560, height = 340;
  std::string band_label;  // legend entry for the bands, e.g. "95% CI"; empty = none
};
std::string line_chart(const LineChart& chart);

// Horizontal bars from 0 with a 95% CI whisker and the value written at
// the bar's end: uplift per strategy, one row per category.
struct BarRow {
  std::string label;
  std::size_t style = 0;
  double value = 0, low = 0, high = 0;  // NaN low/high: no whisker
  std::string value_text;               // written next to the bar
};
struct BarChart {
  std::string id, kind, title;
  std::string x_title;
  std::vector<BarRow> rows;
  double width = 560;
};
std::string bar_chart(const BarChart& chart);

// The spread of single customers' CLV per row: whiskers p05-p95, box
// p25-p75, a tick at the median and a marker at the mean.
struct RangeRow {
  std::string label;
  std::size_t style = 0;
  double p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, mean = 0;
};
struct RangeChart {
  std::string id, kind, title;
  std::string x_title;
  std::vector<RangeRow> rows;
  double width = 560;
};
std::string range_chart(const RangeChart& chart);

// A tornado: per parameter, the change of a metric with the parameter
// moved down (one bar) and up (another), largest first.
struct TornadoRow {
  std::string label;
  std::optional<double> low, high;  // changes; nullopt = that move did not run
  std::string low_text, high_text;  // the moved values, for the legend of each bar
};
struct TornadoChart {
  std::string id, kind, title;
  std::string x_title;
  std::string low_label, high_label;  // legend: "parameter -10%", "parameter +10%"
  std::vector<TornadoRow> rows;
  double width = 1100;
};
std::string tornado_chart(const TornadoChart& chart);

// Pieces shared by the chart files (svg_chart.cpp, svg_bar_charts.cpp).
namespace detail {

// A number for an SVG attribute: one decimal, locale-independent.
std::string coord(double v);

// Estimated width of `text` at `font_size` (no font metrics here: an
// average advance of 0.58 em, enough to lay out labels).
double text_width(const std::string& text, double font_size);

// `text` shortened to at most `max_chars` characters with an ellipsis.
std::string shorten(const std::string& text, std::size_t max_chars);

// <svg ...> with id, data-chart, viewBox and <title>, and its closing tag.
std::string open_svg(const std::string& id, const std::string& kind, const std::string& title,
                     double width, double height);
std::string close_svg();

// The chart title at the top left, shortened to fit `width`.
std::string title_text(const std::string& title, double width);

// nice_ticks() for a horizontal axis `pixels` wide: fewer ticks than
// `target` when their labels would crowd each other.
Ticks fit_ticks(double lo, double hi, double pixels, Format format, bool tight, int target);

// A marker of `style` centred on (x, y).
std::string marker(const Style& style, double x, double y, double radius);

// One legend entry: a sample (line with marker, or box) and its label.
struct LegendItem {
  std::string label;
  std::size_t style = 0;
  enum class Sample { line, box, hatched_box, band } sample = Sample::line;
};

// Lays the entries out in rows from (x, y) within `width`; returns the SVG
// and sets `height` to the space used.
std::string legend(const std::vector<LegendItem>& items, double x, double y, double width,
                   const std::string& hatch_id, double& height);

// A horizontal axis along y = `y` from the ticks, with labels below and the
// title under them; grid lines up to `top` when `grid`.
std::string x_axis(const Ticks& ticks, double left, double right, double y, double top,
                   const std::string& title, Format format, bool grid);

}  // namespace detail
}  // namespace clvsim::svg
