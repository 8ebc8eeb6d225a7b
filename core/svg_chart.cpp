#include "svg_chart.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

#include "text.hpp"

namespace mlops {
namespace {

// Geometry of one chart, in SVG user units; the legend sits right of the plot.
constexpr double kWidth = 760, kHeight = 380;
constexpr double kLeft = 72, kRight = 190, kTop = 44, kBottom = 52;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr size_t kMaxMarkers = 50;  // dots on each point only while they stay apart

std::string num(double v, int decimals = 1) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

std::string tick_label(double v, const Ticks& t) {
  double biggest = std::max(std::abs(t.values.front()), std::abs(t.values.back()));
  if (biggest >= 1e7 || t.decimals > 6) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 4);
    return ec == std::errc() ? std::string(buf, end) : "";
  }
  return num(v, t.decimals);
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();

  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // An empty or single-valued range still needs a width to draw.
  void widen() {
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    if (lo == hi) {
      double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
  }
};

bool finite_point(const std::pair<double, double>& p) { return std::isfinite(p.first) && std::isfinite(p.second); }

struct Scale {
  double x0, x1, y0, y1;
  double x(double v) const { return kLeft + (v - x0) / (x1 - x0) * kPlotW; }
  double y(double v) const { return kTop + kPlotH - (v - y0) / (y1 - y0) * kPlotH; }
};

void axes(std::string& svg, const Ticks& xt, const Ticks& yt, const Scale& s) {
  for (double v : xt.values) {
    std::string x = num(s.x(v));
    svg += "<line class=\"grid\" x1=\"" + x + "\" y1=\"" + num(kTop) + "\" x2=\"" + x + "\" y2=\"" + num(kTop + kPlotH) +
           "\"/>\n<text class=\"tick\" text-anchor=\"middle\" x=\"" + x + "\" y=\"" + num(kTop + kPlotH + 18) + "\">" +
           tick_label(v, xt) + "</text>\n";
  }
  for (double v : yt.values) {
    std::string y = num(s.y(v));
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" y1=\"" + y + "\" x2=\"" + num(kLeft + kPlotW) + "\" y2=\"" + y +
           "\"/>\n<text class=\"tick\" text-anchor=\"end\" x=\"" + num(kLeft - 8) + "\" y=\"" + num(s.y(v) + 4) + "\">" +
           tick_label(v, yt) + "</text>\n";
  }
  svg += "<path class=\"axis\" d=\"M" + num(kLeft) + " " + num(kTop) + " V" + num(kTop + kPlotH) + " H" +
         num(kLeft + kPlotW) + "\"/>\n";
}

void series_marks(std::string& svg, const ChartSeries& series, const char* color, const Scale& s) {
  std::vector<std::pair<double, double>> pts;
  std::copy_if(series.points.begin(), series.points.end(), std::back_inserter(pts), finite_point);
  if (pts.empty()) return;
  std::string d;
  for (const auto& [x, y] : pts) d += (d.empty() ? "M" : " L") + num(s.x(x)) + " " + num(s.y(y));
  svg += "<path class=\"series\" stroke=\"" + std::string(color) + "\" d=\"" + d + "\"><title>" +
         html_escape(series.label) + "</title></path>\n";
  if (pts.size() > kMaxMarkers) return;
  for (const auto& [x, y] : pts)
    svg += "<circle class=\"point\" fill=\"" + std::string(color) + "\" cx=\"" + num(s.x(x)) + "\" cy=\"" +
           num(s.y(y)) + "\" r=\"2.5\"/>\n";
}

void legend(std::string& svg, const LineChart& chart) {
  double x = kLeft + kPlotW + 18;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    double y = kTop + 8 + static_cast<double>(i) * 20;
    svg += "<line class=\"swatch\" stroke=\"" + std::string(series_color(chart.series[i].color)) + "\" x1=\"" + num(x) + "\" y1=\"" +
           num(y) + "\" x2=\"" + num(x + 22) + "\" y2=\"" + num(y) + "\"/>\n<text class=\"legend\" x=\"" +
           num(x + 28) + "\" y=\"" + num(y + 4) + "\">" + html_escape(chart.series[i].label) + "</text>\n";
  }
}

}  // namespace

Ticks nice_ticks(double lo, double hi, int target, double min_step) {
  double raw = (hi - lo) / std::max(target, 1);
  if (!(raw > 0) || !std::isfinite(raw)) raw = 1;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double step = std::max((norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag, min_step);
  double start = std::floor(lo / step + 1e-9) * step;
  double end = std::ceil(hi / step - 1e-9) * step;
  int n = static_cast<int>(std::lround((end - start) / step));
  Ticks t;
  for (int i = 0; i <= std::max(n, 1); ++i) {
    double v = start + i * step;
    t.values.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  t.decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 12);
  return t;
}

const char* series_color(size_t i) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return palette[i % std::size(palette)];
}

std::string render_svg(const LineChart& chart) {
  Range xr, yr;
  bool whole_x = true;
  for (const auto& s : chart.series)
    for (const auto& p : s.points)
      if (finite_point(p)) {
        xr.add(p.first);
        yr.add(p.second);
        whole_x = whole_x && p.first == std::floor(p.first);
      }
  xr.widen();
  yr.widen();
  Ticks xt = nice_ticks(xr.lo, xr.hi, 5, whole_x ? 1 : 0), yt = nice_ticks(yr.lo, yr.hi);
  Scale s{xt.values.front(), xt.values.back(), yt.values.front(), yt.values.back()};

  std::string title = html_escape(chart.title);
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + num(kWidth, 0) + " " + num(kHeight, 0) + "\" width=\"" +
                    num(kWidth, 0) + "\" height=\"" + num(kHeight, 0) + "\" role=\"img\" aria-label=\"" + title +
                    "\">\n<title>" + title + "</title>\n";
  svg += "<text class=\"title\" x=\"" + num(kLeft) + "\" y=\"26\">" + title + "</text>\n";
  axes(svg, xt, yt, s);
  svg += "<text class=\"label\" text-anchor=\"middle\" x=\"" + num(kLeft + kPlotW / 2) + "\" y=\"" +
         num(kHeight - 12) + "\">" + html_escape(chart.x_label) + "</text>\n";
  svg += "<text class=\"label\" text-anchor=\"middle\" transform=\"translate(18 " + num(kTop + kPlotH / 2) +
         ") rotate(-90)\">" + html_escape(chart.y_label) + "</text>\n";
  for (const auto& series : chart.series) series_marks(svg, series, series_color(series.color), s);
  legend(svg, chart);
  return svg + "</svg>\n";
}

}  // namespace mlops
