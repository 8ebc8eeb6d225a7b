// `mlops status`: how the workspace differs from what the pointer files record.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/state_index.hpp"
#include "core/text.hpp"
#include "core/tracked.hpp"
#include "core/tree_diff.hpp"
#include "core/tree_read.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "pipeline_common.hpp"
#include "remote_session.hpp"
#include "remotes/remote_factory.hpp"
#include "remotes/transfer.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct StatusArgs {
  std::vector<std::string> paths;
  bool exit_code = false, explain = false, allow_missing = false;
  int jobs = 0;
  std::string remote;
  CLI::Option* remote_opt = nullptr;
};


json change_json(const FileChange& c, size_t strip) {
  json j{{"type", std::string(change_name(c.type))}, {"path", c.path.substr(strip)}};
  if (c.type == FileChange::Type::renamed) j["old_path"] = c.old_path.substr(strip);
  if (c.type != FileChange::Type::added) j["old_size"] = c.old_size;
  if (c.type != FileChange::Type::deleted) j["size"] = c.new_size;
  return j;
}

// What a remote lacks of each path's version, and what the cache lacks.
void add_remote_status(Context& ctx, Workspace& ws, const std::string& requested, const std::vector<Tracked>& tracked,
                       json& paths, bool& clean) {
  RemoteSession session(ctx, requested, 0);
  Transfer transfer(ws.store(), *session.remote, *session.catalog, ws.repo().tmp_dir() / "push", session.jobs(), nullptr);
  for (size_t i = 0; i < tracked.size(); ++i) {
    auto cmp = transfer.compare({tree_ref(tracked[i].out)});
    paths[i]["remote"] = {{"name", session.spec.name},
                          {"objects", cmp.objects},
                          {"not_on_remote", cmp.not_on_remote.size()},
                          {"not_in_cache", cmp.not_in_cache.size()}};
    clean = clean && cmp.not_on_remote.empty();
  }
}

json status_of(Workspace& ws, WorkspaceScanner& scanner, const Tracked& t) {
  ObjectStore& store = ws.store();
  bool in_cache = store.contains(t.out.hash);
  json j{{"path", t.path}, {"in_cache", in_cache}, {"changes", json::array()}};
  if (!stat_file(ws.repo().root() / t.path)) {
    j["status"] = "missing";
    return j;
  }
  ScanResult now = scanner.scan(t.path);
  TreeRef recorded = tree_ref(t.out);
  bool same = now.hash == recorded.hash && (now.kind == EntryKind::dir) == (recorded.kind == EntryKind::dir);
  j["status"] = same ? "unchanged" : "modified";
  if (same || !in_cache || now.kind != EntryKind::dir || recorded.kind != EntryKind::dir) return j;
  TreeLoader load = [&](const Hash& h) -> std::optional<Tree> {
    if (auto it = now.trees.find(h); it != now.trees.end()) return it->second;
    if (!store.contains(h)) return std::nullopt;
    return read_tree(store, h);
  };
  for (const auto& c : diff_trees(load, recorded, TreeRef{now.kind, now.hash, now.size}, t.path))
    j["changes"].push_back(change_json(c, t.path.size() + 1));
  return j;
}

void render_stages(Output& out, const json& stages, bool explain) {
  if (stages.empty()) return;
  out.line("Stages that `mlops repro` would run:");
  for (const auto& s : stages) {
    std::vector<std::string> why;
    for (const auto& r : s["reasons"]) why.push_back(r["text"]);
    std::string text = explain || why.size() < 2 ? join(why, "; ")
                                                 : why.front() + " (and " + std::to_string(why.size() - 1) + " more)";
    out.line("  " + s["stage"].get<std::string>() + ": " + out.paint(Color::yellow, text));
  }
}

void render(Output& out, const json& doc, bool explain) {
  if (doc["clean"].get<bool>()) {
    out.line(doc["paths"].empty() && doc["stages"].empty() ? "No tracked paths." : "Everything is up to date.");
    return;
  }
  render_stages(out, doc["stages"], explain);
  for (const auto& p : doc["paths"]) {
    std::string status = p["status"];
    if (p.contains("remote")) {
      const json& r = p["remote"];
      uint64_t missing = r["not_on_remote"].get<uint64_t>();
      out.line(p["path"].get<std::string>() + ": " +
               (missing ? out.paint(Color::yellow, std::to_string(missing) + " of " +
                                                       std::to_string(r["objects"].get<uint64_t>()) +
                                                       " objects not on " + r["name"].get<std::string>())
                        : "all objects on " + r["name"].get<std::string>()));
    }
    if (status == "unchanged" && p["in_cache"].get<bool>()) continue;
    Color c = status == "modified" ? Color::yellow : status == "missing" ? Color::red : Color::none;
    std::string extra = p["in_cache"].get<bool>() ? "" : " (not in cache)";
    out.line(p["path"].get<std::string>() + ": " + out.paint(c, status) + extra);
    for (const auto& ch : p["changes"]) {
      std::string type = ch["type"];
      std::string line = "    " + type + ":" + std::string(10 - type.size(), ' ');
      if (type == "renamed") line += ch["old_path"].get<std::string>() + " -> ";
      line += ch["path"].get<std::string>();
      out.line(line);
    }
  }
}

}  // namespace

void setup_status(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<StatusArgs>();
  cmd.add_option("paths", a->paths, "Tracked paths to check (default: all)");
  cmd.add_flag("--exit-code", a->exit_code, "Exit with 1 when anything differs");
  add_jobs_option(cmd, a->jobs);
  cmd.add_flag("--explain", a->explain, "List every reason a stage would rerun (also -v)");
  cmd.add_flag("--allow-missing", a->allow_missing, "Judge stages by recorded hashes where data is missing");
  a->remote_opt = cmd.add_option("--remote", a->remote, "Also compare with a remote (default: the default remote)")
                      ->expected(0, 1)
                      ->type_name("[NAME]");
  cmd.footer(
      "With --remote, also how many objects of each path the remote lacks (not pushed yet).\n"
      "For each tracked path: unchanged, modified (with the files inside a directory that were\n"
      "modified, added, deleted or renamed) or missing, and whether its content is in the cache.\n"
      "Unchanged files are recognised by their stat data alone; -v and --json report how many\n"
      "files were stat'ed and hashed and how many bytes were read.\n"
      "Then the pipeline stages that `mlops repro` would run, with the reason (all of them\n"
      "with --explain); stage outs recorded in mlops.lock are listed like tracked paths.");
  ctx.on_run(&cmd, [&ctx, a] {
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    auto progress = ctx.out().progress();
    WorkspaceScanner scanner(ws.repo().root(), ws.state(), {nullptr, ws.jobs(), progress.get()});
    json paths = json::array();
    bool clean = true;
    auto tracked = select_tracked(ws.repo().root(), fs::current_path(), a->paths);
    for (const auto& t : tracked) {
      json s = status_of(ws, scanner, t);
      clean = clean && s["status"] == "unchanged" && s["in_cache"].get<bool>();
      paths.push_back(std::move(s));
    }
    if (a->remote_opt->count() > 0) add_remote_status(ctx, ws, a->remote, tracked, paths, clean);
    json stages = json::array();
    if (a->paths.empty())
      for (const auto& r : dry_run(ws, a->allow_missing))
        if (r.outcome == StageOutcome::would_run)
          stages.push_back({{"stage", r.stage}, {"reasons", reasons_json(r.reasons)}});
    clean = clean && stages.empty();
    json doc{{"paths", paths}, {"stages", stages}, {"clean", clean}, {"counters", counters_json(scanner.counters())}};
    bool explain = a->explain || ctx.opts.verbose > 0;
    ctx.out().result(doc, [&] { render(ctx.out(), doc, explain); });
    const auto& c = scanner.counters();
    ctx.out().debug(1, "stat'ed " + std::to_string(c.files_stated) + " files, hashed " +
                           std::to_string(c.files_hashed) + " files, read " + human_size(c.bytes_read));
    if (a->exit_code && !clean) ctx.exit_status = 1;
  });
}

}  // namespace mlops::cli
