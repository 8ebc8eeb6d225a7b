// `mlops plots show|diff`: the plot files of the pipeline (or the files
// named) rendered as one self-contained HTML report, one line per revision.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/plots_html.hpp"
#include "core/text.hpp"
#include "metrics_render.hpp"
#include "revision_args.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

constexpr const char* kDefaultReport = "mlops_plots.html";

struct PlotArgs {
  std::vector<std::string> revs, files;
  std::string output = kDefaultReport;
  CLI::Option* output_opt = nullptr;
};

PlotFileView read_plot(const RevisionFiles& files, const std::vector<Revision>& revs, const std::string& path) {
  PlotFileView view{path, {}, {}};
  for (const auto& rev : revs) {
    auto text = files.read(rev, path);
    if (!text) view.missing_in.push_back(rev.label);
    else view.versions.push_back({rev.label, parse_plot(*text, path, files.origin(rev, path))});
  }
  return view;
}

json table_json(const PlotTable& t) {
  json rows = json::array();
  for (const auto& row : t.rows) {
    json r = json::object();
    for (size_t c = 0; c < t.columns.size(); ++c) r[t.columns[c]] = value_json(row[c]);
    rows.push_back(std::move(r));
  }
  auto x = t.x_column();
  return {{"columns", t.columns}, {"x", x ? json(t.columns[*x]) : json(nullptr)}, {"rows", std::move(rows)}};
}

json plots_json(const std::vector<PlotFileView>& views, const std::optional<std::string>& written) {
  json files = json::array();
  for (const auto& v : views) {
    json versions = json::array();
    for (const auto& ver : v.versions) {
      json j = table_json(ver.table);
      j["rev"] = ver.label;
      versions.push_back(std::move(j));
    }
    files.push_back({{"path", v.path}, {"missing_in", v.missing_in}, {"revisions", std::move(versions)}});
  }
  return {{"output", written ? json(*written) : json(nullptr)}, {"files", std::move(files)}};
}

void run(Context& ctx, const RevisionFiles& files, const std::vector<Revision>& revs, const PlotArgs& a,
         const std::string& usage) {
  auto paths = named_or_declared(ctx, a.files, pipelines_of(files, revs), OutRole::plot);
  if (paths.empty()) throw Error(Errc::usage, "no plot files: mlops.yaml declares none; name them: " + usage);
  std::vector<PlotFileView> views;
  for (const auto& p : paths) views.push_back(read_plot(files, revs, p));

  // With --json the data is the result; the report is written when asked for.
  std::optional<std::string> written;
  if (!ctx.out().json_mode() || a.output_opt->count() > 0) {
    std::vector<std::string> labels;
    for (const auto& r : revs) labels.push_back(r.label);
    fs::path target = fs::absolute(a.output);
    fs::create_directories(target.parent_path());
    write_file_atomic(target, render_plots_html("Plots: " + join(labels, ", "), views));
    written = a.output;
  }
  json doc = plots_json(views, written);
  ctx.out().result(doc, [&] {
    for (const auto& v : views)
      if (!v.missing_in.empty()) ctx.out().note(v.path + ": not in " + join(v.missing_in, ", "));
    ctx.out().line(*written);
  });
}

CLI::Option* add_output_option(CLI::App& cmd, PlotArgs& a) {
  return cmd.add_option("-o,--output", a.output, "Where to write the HTML report")
      ->type_name("FILE")
      ->capture_default_str();
}

}  // namespace

void setup_plots(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "Plot files are CSV or TSV with a header row, or JSON/YAML lists of rows. Each numeric\n"
      "column becomes a line chart; x is the `step` column when there is one, else the first\n"
      "column when it is numeric, else the row number. The report is one HTML file with inline\n"
      "SVG: no scripts, nothing fetched, viewable offline. Its path is printed; nothing is opened.\n\n"
      "Example:\n  mlops plots show\n  mlops plots diff HEAD~1 -o review/plots.html");
  cmd.require_subcommand(1);

  auto show_args = std::make_shared<PlotArgs>();
  CLI::App* show = cmd.add_subcommand("show", "Render plot files of the workspace as an HTML report");
  show->add_option("files", show_args->files, "Plot files (default: the plots outs in mlops.yaml)")->type_name("FILE");
  show_args->output_opt = add_output_option(*show, *show_args);
  show->footer(
      "With --json, prints the data (columns, x column, rows) and writes the report only when\n"
      "-o is given.\n\nExample:\n  mlops plots show\n  mlops plots show plots/loss.csv -o loss.html");
  ctx.on_run(show, [&ctx, show_args] {
    RevisionFiles files = repo_files(ctx);
    run(ctx, files, {RevisionFiles::workspace()}, *show_args, "mlops plots show FILE...");
  });

  auto diff_args = std::make_shared<PlotArgs>();
  CLI::App* diff = cmd.add_subcommand("diff", "Render plot files across revisions, one line per revision");
  diff->add_option("revs", diff_args->revs, "Revisions: none (HEAD and workspace), one (REV and workspace) or more")
      ->type_name("REV");
  diff->add_option("--targets", diff_args->files, "Plot files (default: those mlops.yaml declares)")
      ->expected(1, -1)
      ->type_name("FILE");
  diff_args->output_opt = add_output_option(*diff, *diff_args);
  diff->footer(
      "Revisions are read from git's history; nothing is checked out. A file missing in a\n"
      "revision is noted in the report and on stderr.\n\n"
      "Example:\n  mlops plots diff HEAD~1             # HEAD~1 and the workspace\n"
      "  mlops plots diff v1 v2 v3 --targets plots/loss.csv");
  ctx.on_run(diff, [&ctx, diff_args] {
    RevisionFiles files = repo_files(ctx);
    run(ctx, files, compared_revisions(files, diff_args->revs), *diff_args, "mlops plots diff --targets FILE...");
  });
}

}  // namespace mlops::cli
