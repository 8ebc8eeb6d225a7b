#pragma once
// Line charts as standalone SVG markup: axes with "nice" ticks and labels,
// one coloured line per series, a legend and a title. No scripts, no
// external resources; all text is escaped.
#include <string>
#include <utility>
#include <vector>

namespace mlops {

struct ChartSeries {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in this order
  size_t color = 0;  // series_color(color): the same revision keeps its colour across charts
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
};

// Axis ticks covering [lo, hi] at a step of 1, 2 or 5 times a power of ten,
// about `target` of them, and at least `min_step` apart (1 for an axis of
// whole numbers such as steps or epochs); the axis spans
// [ticks.front(), ticks.back()].
struct Ticks {
  std::vector<double> values;
  int decimals = 0;  // enough to tell neighbouring ticks apart
};
Ticks nice_ticks(double lo, double hi, int target = 5, double min_step = 0);

// The colour of the i-th series (a palette that stays readable when printed).
const char* series_color(size_t i);

// One <svg> element. Points that are not finite are left out.
std::string render_svg(const LineChart& chart);

}  // namespace mlops
