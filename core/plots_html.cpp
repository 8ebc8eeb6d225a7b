#include "plots_html.hpp"

#include <mlops/templates.hpp>

#include <algorithm>

#include "text.hpp"

namespace mlops {
namespace {

std::optional<double> number_in(const Document& cell) {
  if (!cell.is_number()) return std::nullopt;
  return cell.get<double>();
}

ChartSeries series_of(const PlotVersion& v, size_t y, size_t color) {
  ChartSeries s{v.label, {}, color};
  auto x = v.table.x_column();
  for (size_t r = 0; r < v.table.rows.size(); ++r) {
    const auto& row = v.table.rows[r];
    auto xv = x ? number_in(row[*x]) : std::optional<double>(static_cast<double>(r));
    auto yv = number_in(row[y]);
    if (xv && yv) s.points.emplace_back(*xv, *yv);
  }
  return s;
}

std::string x_label_of(const PlotFileView& file) {
  for (const auto& v : file.versions)
    if (auto x = v.table.x_column()) return v.table.columns[*x];
  return "row";
}

}  // namespace

std::vector<LineChart> charts_for(const PlotFileView& file) {
  std::vector<std::string> names;
  for (const auto& v : file.versions)
    for (size_t c : v.table.y_columns())
      if (std::find(names.begin(), names.end(), v.table.columns[c]) == names.end()) names.push_back(v.table.columns[c]);

  std::vector<LineChart> charts;
  for (const auto& name : names) {
    LineChart chart{file.path, x_label_of(file), name, {}};
    for (size_t i = 0; i < file.versions.size(); ++i) {
      const PlotTable& t = file.versions[i].table;
      auto c = t.column(name);
      if (c && t.numeric(*c) && c != t.x_column()) chart.series.push_back(series_of(file.versions[i], *c, i));
    }
    charts.push_back(std::move(chart));
  }
  return charts;
}

std::string render_plots_html(const std::string& title, const std::vector<PlotFileView>& files) {
  std::string t = html_escape(title);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      t + "</title>\n<style>\n" + std::string(templates::plots_css) + "</style>\n</head>\n<body>\n<h1>" + t + "</h1>\n";
  if (files.empty()) html += "<p class=\"note\">No plot files.</p>\n";
  for (const auto& f : files) {
    html += "<section class=\"plot-file\">\n<h2>" + html_escape(f.path) + "</h2>\n";
    if (!f.missing_in.empty()) html += "<p class=\"note\">Not in " + html_escape(join(f.missing_in, ", ")) + ".</p>\n";
    auto charts = charts_for(f);
    if (charts.empty() && !f.versions.empty()) html += "<p class=\"note\">No numeric columns to plot.</p>\n";
    for (const auto& chart : charts) html += "<figure>\n" + render_svg(chart) + "</figure>\n";
    html += "</section>\n";
  }
  return html + "</body>\n</html>\n";
}

}  // namespace mlops
