#pragma once
// A plots report: one self-contained HTML page with an inline SVG line chart
// per numeric column of each plot file, one line per revision. The page
// loads nothing: no scripts, no external style sheets or fonts, and a
// Content-Security-Policy that forbids fetching anything.
#include <string>
#include <vector>

#include "plot_data.hpp"
#include "svg_chart.hpp"

namespace mlops {

struct PlotVersion {
  std::string label;  // "workspace", "HEAD~1", ...
  PlotTable table;
};

// One plot file as it is in each revision that has it.
struct PlotFileView {
  std::string path;
  std::vector<PlotVersion> versions;
  std::vector<std::string> missing_in;  // labels of revisions without the file
};

// One chart per y column (by name, in order of first appearance across the
// versions); x is each version's x column or its row index. Titled with the
// file's path, the y column as the y axis label.
std::vector<LineChart> charts_for(const PlotFileView& file);

// The whole page; `title` heads it.
std::string render_plots_html(const std::string& title, const std::vector<PlotFileView>& files);

}  // namespace mlops
