// `mlops metrics show|diff`: the metric files of the pipeline (or the files
// named), as they are in the workspace, along the current branch, or
// compared between two revisions.
#include <algorithm>
#include <memory>

#include "commands.hpp"
#include "core/metrics_revisions.hpp"
#include "metrics_render.hpp"
#include "revision_args.hpp"

namespace mlops::cli {
namespace {

struct ShowArgs {
  std::vector<std::string> files;
  bool all_commits = false, markdown = false;
  int precision = 5;
};

// One revision's metric files; `missing` ones are kept to say so.
struct Shown {
  Revision rev;
  std::vector<MetricsSnapshot> files;
};

json show_json(const std::vector<Shown>& shown) {
  json revs = json::array();
  for (const auto& s : shown) {
    json files = json::array();
    for (const auto& f : s.files) {
      json metrics = json::object();
      for (const auto& e : f.values) metrics[e.key] = value_json(e.value);
      files.push_back({{"path", f.path}, {"missing", f.missing}, {"metrics", std::move(metrics)}});
    }
    json r = revision_json(s.rev);
    r["files"] = std::move(files);
    revs.push_back(std::move(r));
  }
  return {{"revisions", std::move(revs)}};
}

// One row per revision and file present, one column per key (in order of
// first appearance), as DVC lays it out.
Table show_table(const std::vector<Shown>& shown, bool with_revision, int precision) {
  std::vector<std::string> keys;
  for (const auto& s : shown)
    for (const auto& f : s.files)
      for (const auto& e : f.values)
        if (std::find(keys.begin(), keys.end(), e.key) == keys.end()) keys.push_back(e.key);
  Table t;
  if (with_revision) t.headers.push_back("Revision");
  t.headers.push_back("Path");
  t.headers.insert(t.headers.end(), keys.begin(), keys.end());
  for (const auto& s : shown)
    for (const auto& f : s.files) {
      if (f.missing) continue;
      std::vector<std::string> row;
      if (with_revision) row.push_back(s.rev.label);
      row.push_back(f.path);
      for (const auto& k : keys) {
        auto it = std::find_if(f.values.begin(), f.values.end(), [&](const FlatEntry& e) { return e.key == k; });
        row.push_back(it == f.values.end() ? "-" : value_text(it->value, precision));
      }
      t.rows.push_back(std::move(row));
    }
  return t;
}

void run_show(Context& ctx, const ShowArgs& a) {
  RevisionFiles files = repo_files(ctx);
  std::vector<Revision> revs{RevisionFiles::workspace()};
  auto paths = named_or_declared(ctx, a.files, pipelines_of(files, revs), OutRole::metric);
  if (a.all_commits)
    for (auto& r : files.branch_history()) revs.push_back(std::move(r));

  std::vector<Shown> shown;
  for (const auto& rev : revs) {
    Shown s{rev, {}};
    bool any = false;
    for (const auto& p : paths) {
      s.files.push_back(read_metrics_at(files, rev, p));
      any = any || !s.files.back().missing;
    }
    // Along the branch only commits that have some of the files count.
    if (any || !a.all_commits) shown.push_back(std::move(s));
  }
  json doc = show_json(shown);
  ctx.out().result(doc, [&] {
    if (paths.empty()) {
      ctx.out().note("No metrics files: mlops.yaml declares none. Name them: mlops metrics show FILE...");
      return;
    }
    if (!shown.empty() && shown.front().rev.is_workspace())
      for (const auto& f : shown.front().files)
        if (f.missing) ctx.out().note(f.path + ": not in the workspace");
    Table t = show_table(shown, a.all_commits, a.precision);
    if (!t.rows.empty()) print_table(ctx.out(), t, a.markdown);
  });
}

void run_diff(Context& ctx, const DiffArgs& a) {
  RevisionFiles files = repo_files(ctx);
  auto revs = compared_revisions(files, a.revs);
  auto paths = named_or_declared(ctx, a.targets, pipelines_of(files, revs), OutRole::metric);
  auto diffs = diff_metrics_at(files, revs[0], revs[1], paths);
  json doc = diff_json(revs[0], revs[1], diffs, a.all);
  if (a.exit_code && doc["changed"].get<bool>()) ctx.exit_status = 1;
  ctx.out().result(doc, [&] {
    if (paths.empty()) {
      ctx.out().note("No metrics files: mlops.yaml declares none. Name them: mlops metrics diff --targets FILE...");
      return;
    }
    render_diff(ctx.out(), revs[0], revs[1], diffs, {a.all, a.markdown, a.precision, "Metric"});
  });
}

}  // namespace

void setup_metrics(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "Metric files are JSON or YAML (.json, .yaml, .yml); nested keys are shown flattened\n"
      "(train.acc, layers.0.units). By default the metrics outs that mlops.yaml declares\n"
      "(`metrics:` of a stage) are read; name files to read others.\n\n"
      "Example:\n  mlops metrics show\n  mlops metrics show --all-commits\n"
      "  mlops metrics diff HEAD~1 --md        # a table for a pull-request comment");
  cmd.require_subcommand(1);

  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = cmd.add_subcommand("show", "Show the metrics in the workspace, or along the current branch");
  show->add_option("files", show_args->files, "Metric files (default: the metrics outs in mlops.yaml)")
      ->type_name("FILE");
  show->add_flag("-A,--all-commits", show_args->all_commits,
                 "Also every commit of the current branch that has the files, newest first");
  show->add_flag("--md", show_args->markdown, "Print a markdown table");
  add_precision_option(*show, show_args->precision);
  show->footer(
      "One row per file (and revision with --all-commits), one column per metric; a metric a\n"
      "file lacks shows as '-'. With --all-commits the files are those mlops.yaml declares now\n"
      "(or those named), read from each commit in git's history; nothing is checked out.\n\n"
      "Example:\n  mlops metrics show\n  mlops metrics show eval/metrics.json --precision 3\n"
      "  mlops --json metrics show --all-commits");
  ctx.on_run(show, [&ctx, show_args] { run_show(ctx, *show_args); });

  auto diff_args = std::make_shared<DiffArgs>();
  CLI::App* diff = cmd.add_subcommand("diff", "Compare metrics between revisions, or a revision and the workspace");
  add_diff_args(*diff, *diff_args, "Metric files to compare (default: those mlops.yaml declares)", "metrics");
  add_precision_option(*diff, diff_args->precision);
  diff->footer(
      "Lists each changed metric with its old and new value and, for numbers, the change\n"
      "(new - old). A file missing on one side is reported, and its metrics count as added or\n"
      "removed; a malformed file is an error naming REV:PATH. The files compared are those\n"
      "mlops.yaml declares on either side.\n\n"
      "Example:\n  mlops metrics diff                    # HEAD against the workspace\n"
      "  mlops metrics diff main feature --all\n  mlops --json metrics diff HEAD~1");
  ctx.on_run(diff, [&ctx, diff_args] { run_diff(ctx, *diff_args); });
}

}  // namespace mlops::cli
