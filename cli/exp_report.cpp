// `mlops exp show|list|diff`: reading runs, from the run index (show, list)
// or their records (diff).
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "core/pipeline_spec.hpp"
#include "core/run_store.hpp"
#include "core/workspace.hpp"
#include "exp_common.hpp"
#include "exp_table.hpp"

namespace mlops::cli {

json run_summary_json(const RunRecord& run) {
  json j = run_record_json(run);
  j.erase("schema");
  return j;
}

std::string default_params_file(Context& ctx) {
  try {
    return load_pipeline(ctx.repo().root()).default_params;
  } catch (const Error&) {
    return "params.yaml";
  }
}

namespace {

// The runs, with a warning for each one the index could not take in.
std::vector<RunRecord> list_runs(Context& ctx, Workspace& ws) {
  RunStore runs(ws.store(), ws.repo().tmp_dir());
  for (const auto& p : runs.problems()) ctx.out().warn(p);
  return runs.list();
}

std::string short_commit(const RunRecord& r) {
  if (r.commit.empty()) return "-";
  return r.commit.substr(0, 10) + (r.dirty ? "+" : "");
}

std::string change_text(const json* a, const json* b) {
  if (!a || !b || !a->is_number() || !b->is_number()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.6g", b->get<double>() - a->get<double>());
  return buf;
}

std::string run_label(const RunRecord& r) { return r.name.empty() ? r.id : r.name; }

}  // namespace

void setup_exp_show(CLI::App& exp, Context& ctx) {
  struct Args {
    std::string sort_by;
    bool desc = false, md = false, csv = false, all = false;
    size_t limit = 0;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = exp.add_subcommand("show", "Show runs as a table of their params and metrics");
  cmd->add_option("--sort-by", a->sort_by, "Sort by this metric or param (KEY or FILE:KEY)")->type_name("NAME");
  cmd->add_flag("--desc", a->desc, "Sort in descending order (with --sort-by)");
  auto* md = cmd->add_flag("--md", a->md, "Print a markdown table");
  cmd->add_flag("--csv", a->csv, "Print CSV")->excludes(md);
  cmd->add_flag("-a,--all", a->all, "Show every column, also those equal in all shown runs");
  cmd->add_option("-n,--limit", a->limit, "Show only the first N runs (after sorting)")->type_name("N");
  cmd->footer(
      "Newest first unless --sort-by; runs lacking the sort value come last. Columns whose\n"
      "value is the same in every shown run are left out unless --all (the sort key stays).\n"
      "--json prints every run's params and metrics in full.\n\n"
      "Examples:\n"
      "  mlops exp show --sort-by acc --desc -n 5\n"
      "  mlops exp show --md >> report.md");
  ctx.on_run(cmd, [&ctx, a] {
    Workspace ws(ctx.repo());
    std::vector<RunRecord> runs = list_runs(ctx, ws);
    std::string params_file = default_params_file(ctx);
    std::string sort_header;
    if (!a->sort_by.empty()) {
      ExpColumn by = find_column(exp_columns(runs, params_file), a->sort_by);
      sort_runs(runs, by, a->desc);
      sort_header = by.header;
    }
    if (a->limit > 0 && runs.size() > a->limit) runs.resize(a->limit);
    if (ctx.out().json_mode()) {
      json rows = json::array();
      for (const auto& r : runs) rows.push_back(run_summary_json(r));
      ctx.out().result({{"runs", rows}}, [] {});
      return;
    }
    if (runs.empty()) {
      ctx.out().line("No runs yet: `mlops repro` and `mlops exp run` record them.");
      return;
    }
    std::vector<ExpColumn> columns = exp_columns(runs, params_file);  // of the runs shown
    std::vector<ExpColumn> shown, differ = differing(columns, runs);
    for (const auto& c : columns) {
      bool differs = std::any_of(differ.begin(), differ.end(), [&](const ExpColumn& d) { return d.header == c.header; });
      if (a->all || differs || c.header == sort_header) shown.push_back(c);  // the sort key is always shown
    }
    Table t = exp_table(runs, shown, a->csv);
    ctx.out().print(a->csv ? csv_table(t) : a->md ? markdown_table(t) : aligned_table(t));
    if (size_t hidden = columns.size() - shown.size())
      ctx.out().note(std::to_string(hidden) + " column(s) equal in every run not shown; --all shows them");
  });
}

void setup_exp_list(CLI::App& exp, Context& ctx) {
  auto limit = std::make_shared<size_t>(0);
  CLI::App* cmd = exp.add_subcommand("list", "List runs: id, name, kind, status, time and commit");
  cmd->alias("ls");
  cmd->add_option("-n,--limit", *limit, "Only the N newest runs")->type_name("N");
  cmd->footer("A commit ending in + ran with uncommitted changes.\n\nExample:\n  mlops exp list -n 10");
  ctx.on_run(cmd, [&ctx, limit] {
    Workspace ws(ctx.repo());
    std::vector<RunRecord> runs = list_runs(ctx, ws);
    if (*limit > 0 && runs.size() > *limit) runs.resize(*limit);
    json rows = json::array();
    Table t{{"Run", "Name", "Kind", "Status", "Created", "Commit"}, {}};
    for (const auto& r : runs) {
      rows.push_back({{"id", r.id}, {"name", r.name}, {"kind", r.kind}, {"status", r.status}, {"started", r.started},
                      {"commit", r.commit}, {"dirty", r.dirty}});
      t.rows.push_back({r.id, r.name.empty() ? "-" : r.name, r.kind, r.status, r.started, short_commit(r)});
    }
    ctx.out().result({{"runs", rows}}, [&] {
      if (runs.empty()) ctx.out().line("No runs yet: `mlops repro` and `mlops exp run` record them.");
      else ctx.out().print(aligned_table(t));
    });
  });
}

void setup_exp_diff(CLI::App& exp, Context& ctx) {
  struct Args {
    std::string a, b;
    bool all = false, md = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = exp.add_subcommand("diff", "Compare two runs: params, metrics and outs");
  cmd->add_option("a", args->a, "Run id (or a unique prefix) or name")->required();
  cmd->add_option("b", args->b, "Run id (or a unique prefix) or name")->required();
  cmd->add_flag("-a,--all", args->all, "Also list values that are the same");
  cmd->add_flag("--md", args->md, "Print a markdown table");
  cmd->footer("Change is b - a for numbers.\n\nExample:\n  mlops exp diff lr-0.1 lr-0.2");
  ctx.on_run(cmd, [&ctx, args] {
    Workspace ws(ctx.repo());
    RunStore store(ws.store(), ws.repo().tmp_dir());
    RunRecord a = store.load(store.resolve(args->a));
    RunRecord b = store.load(store.resolve(args->b));
    std::vector<RunRecord> pair{a, b};
    json params = json::array(), metrics = json::array(), outs = json::array();
    Table t{{"Kind", "Name", run_label(a), run_label(b), "Change"}, {}};
    for (const auto& c : exp_columns(pair, default_params_file(ctx))) {
      const json *x = column_value(a, c), *y = column_value(b, c);
      bool same = x && y && *x == *y;
      if (same && !args->all) continue;
      json row{{"file", c.file}, {"key", c.key}, {"a", x ? *x : json(nullptr)}, {"b", y ? *y : json(nullptr)},
               {"change", change_text(x, y)}};
      (c.metric ? metrics : params).push_back(row);
      t.rows.push_back({c.metric ? "metric" : "param", c.header, cell_text(x), cell_text(y), change_text(x, y)});
    }
    std::map<std::string, std::pair<std::string, std::string>> by_path;
    for (const auto& o : a.outs()) by_path[o.path].first = o.hash.str();
    for (const auto& o : b.outs()) by_path[o.path].second = o.hash.str();
    for (const auto& [path, h] : by_path) {
      if (h.first == h.second && !args->all) continue;
      outs.push_back({{"path", path}, {"a", h.first}, {"b", h.second}});
      auto brief = [](const std::string& s) { return s.empty() ? std::string("-") : s.substr(7, 12); };
      t.rows.push_back({"out", path, brief(h.first), brief(h.second), h.first == h.second ? "" : "changed"});
    }
    json doc{{"a", {{"id", a.id}, {"name", a.name}}}, {"b", {{"id", b.id}, {"name", b.name}}},
             {"params", params}, {"metrics", metrics}, {"outs", outs}};
    ctx.out().result(doc, [&] {
      if (t.rows.empty()) ctx.out().line("Runs " + run_label(a) + " and " + run_label(b) + " do not differ.");
      else ctx.out().print(args->md ? markdown_table(t) : aligned_table(t));
    });
  });
}

}  // namespace mlops::cli
