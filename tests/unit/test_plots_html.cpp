#include <catch2/catch.hpp>

#include "core/plots_html.hpp"
#include "core/text.hpp"

using namespace mlops;

namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

PlotVersion version(const std::string& label, const std::string& csv) {
  return {label, parse_plot(csv, "loss.csv", label + ":loss.csv")};
}

}  // namespace

TEST_CASE("html_escape escapes markup and quotes", "[plots_html]") {
  CHECK(html_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  CHECK(html_escape("plain/path.csv") == "plain/path.csv");
}

TEST_CASE("nice ticks cover the range at steps of 1 2 or 5", "[plots_html]") {
  Ticks t = nice_ticks(0.13, 0.92);
  CHECK(t.values.front() <= 0.13);
  CHECK(t.values.back() >= 0.92);
  CHECK(t.values.size() >= 4);
  CHECK(t.values.size() <= 12);
  CHECK(t.decimals == 1);
  Ticks big = nice_ticks(0, 1000);
  CHECK(big.values == std::vector<double>{0, 200, 400, 600, 800, 1000});
  CHECK(big.decimals == 0);
  Ticks whole = nice_ticks(1, 3, 5, 1);  // steps 1..3: no tick at 1.5
  CHECK(whole.values == std::vector<double>{1, 2, 3});
  CHECK(whole.decimals == 0);
}

TEST_CASE("one chart per y column with one line per revision", "[plots_html]") {
  PlotFileView f{"plots/loss.csv",
                 {version("HEAD~1", "step,loss,acc\n1,0.9,0.1\n2,0.8,0.2\n"),
                  version("workspace", "step,loss,acc\n1,0.7,0.3\n2,0.5,0.4\n3,0.4,0.5\n")},
                 {}};
  auto charts = charts_for(f);
  REQUIRE(charts.size() == 2);
  CHECK(charts[0].title == "plots/loss.csv");
  CHECK(charts[0].x_label == "step");
  CHECK(charts[0].y_label == "loss");
  CHECK(charts[1].y_label == "acc");
  REQUIRE(charts[0].series.size() == 2);
  CHECK(charts[0].series[1].label == "workspace");
  CHECK(charts[0].series[1].points == std::vector<std::pair<double, double>>{{1, 0.7}, {2, 0.5}, {3, 0.4}});
}

TEST_CASE("a revision keeps its colour in charts that other revisions lack", "[plots_html]") {
  PlotFileView f{"p.csv", {version("old", "step,loss\n1,2\n"), version("new", "step,loss,acc\n1,2,3\n")}, {}};
  auto charts = charts_for(f);
  REQUIRE(charts.size() == 2);
  REQUIRE(charts[1].series.size() == 1);
  CHECK(charts[1].series[0].label == "new");
  CHECK(charts[1].series[0].color == 1);
  CHECK(render_svg(charts[1]).find(series_color(1)) != std::string::npos);
  CHECK(render_svg(charts[1]).find(series_color(0)) == std::string::npos);
}

TEST_CASE("without a numeric first column the row index is x", "[plots_html]") {
  PlotFileView f{"p.csv", {version("workspace", "name,score\na,5\nb,7\n")}, {}};
  auto charts = charts_for(f);
  REQUIRE(charts.size() == 1);
  CHECK(charts[0].x_label == "row");
  CHECK(charts[0].series[0].points == std::vector<std::pair<double, double>>{{0, 5}, {1, 7}});
}

TEST_CASE("the page is self-contained and escapes every text", "[plots_html]") {
  PlotFileView f{"plots/<b>&loss.csv",
                 {version("v\"1<", "step,l<o>ss\n1,0.5\n2,0.25\n"), version("workspace", "step,l<o>ss\n1,0.4\n2,0.2\n")},
                 {"HEAD~2"}};
  std::string html = render_plots_html("plots <report>", {f});
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<title>plots &lt;report&gt;</title>") != std::string::npos);
  CHECK(html.find("plots/&lt;b&gt;&amp;loss.csv") != std::string::npos);
  CHECK(html.find("l&lt;o&gt;ss") != std::string::npos);
  CHECK(html.find("v&quot;1&lt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("Not in HEAD~2.") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("://") == std::string::npos);  // nothing to fetch
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(count(html, "<svg") == 1);
  CHECK(count(html, "<path class=\"series\"") == 2);
  CHECK(count(html, "class=\"legend\"") == 2);
}

TEST_CASE("files without numeric columns say so", "[plots_html]") {
  PlotFileView f{"p.csv", {version("workspace", "a,b\nx,y\n")}, {}};
  std::string html = render_plots_html("t", {f});
  CHECK(html.find("No numeric columns to plot.") != std::string::npos);
  CHECK(html.find("<svg") == std::string::npos);
}
