// `mlops diff`: which data files differ between two revisions, or between a
// revision and the workspace.
#include <filesystem>
#include <memory>
#include <set>
#include <unordered_map>

#include "commands.hpp"
#include "core/data_diff.hpp"
#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/state_index.hpp"
#include "core/text.hpp"
#include "core/tree_read.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct DiffArgs {
  std::vector<std::string> revs;
  std::vector<std::string> targets;
  bool exit_code = false;
  int jobs = 0;
};

// One version of the tracked paths: a commit's pointer files, or the
// workspace's content under its pointer files.
struct Version {
  std::string rev;     // as the user named it; "workspace" for the workspace
  std::string commit;  // empty for the workspace
  std::vector<Tracked> tracked;
  std::set<std::string> missing;  // workspace: tracked, but nothing on disk
};

bool selected(const std::string& path, const std::vector<std::string>& targets) {
  if (targets.empty()) return true;
  for (const auto& t : targets)
    if (paths_overlap(path, t)) return true;
  return false;
}

Version at_revision(const GitHistory& git, const std::string& rev) {
  std::string commit = git.resolve(rev);
  return {rev, commit, git.pointers(commit, rev), {}};
}

// The workspace as it is: every tracked path present on disk, scanned (hash
// only, nothing stored), its manifests kept in `trees` for the diff.
Version in_workspace(Workspace& ws, WorkspaceScanner& scanner, const std::vector<std::string>& targets,
                     std::unordered_map<Hash, Tree, HashHasher>& trees) {
  Version v{"workspace", "", {}, {}};
  for (auto t : find_tracked(ws.repo().root())) {
    if (!selected(t.path, targets)) continue;
    if (!stat_file(ws.repo().root() / t.path)) {
      v.missing.insert(t.path);
      continue;
    }
    ScanResult now = scanner.scan(t.path);
    t.out.hash = now.hash;
    t.out.kind = now.kind == EntryKind::dir ? OutKind::dir : OutKind::file;
    t.out.size = now.size;
    t.out.files = now.files;
    trees.merge(now.trees);
    v.tracked.push_back(std::move(t));
  }
  return v;
}

json out_json(const std::optional<PointerOut>& o) {
  if (!o) return nullptr;
  json j{{"hash", o->hash.str()}, {"kind", o->kind == OutKind::dir ? "dir" : "file"}, {"size", o->size}};
  if (o->kind == OutKind::dir) j["files"] = o->files;
  return j;
}

json file_json(const FileChange& c, const std::string& tracked_path) {
  json j{{"type", std::string(change_name(c.type))}, {"path", c.path}, {"tracked_path", tracked_path}};
  if (c.type == FileChange::Type::renamed) j["old_path"] = c.old_path;
  if (c.type != FileChange::Type::added) {
    j["old_hash"] = c.old_hash.str();
    j["old_size"] = c.old_size;
  }
  if (c.type != FileChange::Type::deleted) {
    j["hash"] = c.new_hash.str();
    j["size"] = c.new_size;
  }
  return j;
}

json version_json(const Version& v) {
  return {{"rev", v.rev}, {"commit", v.commit.empty() ? json(nullptr) : json(v.commit)}};
}

json diff_json(const Version& a, const Version& b, const std::vector<PathChange>& changes) {
  json paths = json::array(), files = json::array();
  json summary{{"added", 0}, {"deleted", 0}, {"modified", 0}, {"renamed", 0}, {"not_in_cache", 0}};
  for (const auto& pc : changes) {
    json p{{"path", pc.path}, {"status", std::string(status_name(pc.status))}, {"old", out_json(pc.old_out)},
           {"new", out_json(pc.new_out)}, {"not_in_cache", pc.missing_tree.has_value()},
           {"missing_in_workspace", b.missing.count(pc.path) != 0}};
    if (pc.missing_tree) {
      p["missing_tree"] = pc.missing_tree->str();
      summary["not_in_cache"] = summary["not_in_cache"].get<int>() + 1;
    }
    paths.push_back(std::move(p));
    for (const auto& c : pc.files) {
      files.push_back(file_json(c, pc.path));
      std::string type(change_name(c.type));
      summary[type] = summary[type].get<int>() + 1;
    }
  }
  return {{"a", version_json(a)}, {"b", version_json(b)}, {"paths", paths},
          {"files", files},       {"summary", summary},    {"clean", changes.empty()}};
}

std::string describe_out(const json& o) {
  std::string size = human_size(o["size"].get<uint64_t>());
  if (o["kind"] == "dir") return "directory, " + std::to_string(o["files"].get<uint64_t>()) + " files, " + size;
  return "file, " + size;
}

void render(Output& out, const json& doc) {
  if (doc["clean"].get<bool>()) {
    out.note("No differences.");
    return;
  }
  for (const auto& f : doc["files"]) {
    std::string type = f["type"];
    Color c = type == "added" ? Color::green : type == "deleted" ? Color::red : type == "renamed" ? Color::cyan : Color::yellow;
    std::string line = out.paint(c, type) + std::string(10 - type.size(), ' ');
    if (type == "renamed") line += f["old_path"].get<std::string>() + " -> ";
    line += f["path"].get<std::string>() + " (";
    if (type == "modified")
      line += human_size(f["old_size"].get<uint64_t>()) + " -> " + human_size(f["size"].get<uint64_t>());
    else
      line += human_size(f[type == "deleted" ? "old_size" : "size"].get<uint64_t>());
    out.line(line + ")");
  }
  for (const auto& p : doc["paths"]) {
    std::string path = p["path"];
    if (p["status"] == "added") out.line("new tracked path: " + path + " (" + describe_out(p["new"]) + ")");
    if (p["status"] == "deleted")
      out.line((p["missing_in_workspace"].get<bool>() ? "missing in workspace: " : "no longer tracked: ") + path + " (" +
               describe_out(p["old"]) + ")");
    if (p["not_in_cache"].get<bool>())
      out.line(out.paint(Color::red, "not in cache") + ": " + path + " (" + std::string(p["status"]) +
               "; its files cannot be listed: tree manifest " + std::string(p["missing_tree"]) +
               " is not in the cache)");
  }
  const json& s = doc["summary"];
  int total = 0;
  std::vector<std::string> parts;
  for (const char* k : {"added", "deleted", "modified", "renamed"}) {
    int n = s[k].get<int>();
    total += n;
    if (n) parts.push_back(std::to_string(n) + " " + k);
  }
  std::string line = std::to_string(total) + (total == 1 ? " file changed" : " files changed");
  if (!parts.empty()) line += ": " + join(parts, ", ");
  int uncached = s["not_in_cache"].get<int>();
  if (uncached) line += "; " + std::to_string(uncached) + " tracked path(s) not in cache";
  out.line(line);
}

// Repo-relative targets; each must name something tracked on either side.
std::vector<std::string> resolve_targets(Context& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    std::string rel = repo_relative(ctx.repo().root(), fs::current_path(), arg);
    if (rel.ends_with(kPointerSuffix)) rel.resize(rel.size() - kPointerSuffix.size());
    out.push_back(rel);
  }
  return out;
}

void check_targets(const std::vector<std::string>& args, const std::vector<std::string>& targets,
                   const std::vector<const Version*>& versions, const std::vector<Tracked>& workspace_pointers) {
  for (size_t i = 0; i < targets.size(); ++i) {
    bool found = false;
    for (const Version* v : versions)
      for (const auto& t : v->tracked) found = found || paths_overlap(t.path, targets[i]);
    for (const auto& t : workspace_pointers) found = found || paths_overlap(t.path, targets[i]);
    if (!found) {
      std::string where;
      for (const Version* v : versions)
        where += (where.empty() ? "" : " or ") + (v->commit.empty() ? "the workspace" : v->rev);
      throw Error(Errc::usage, "'" + args[i] + "' is not a tracked path, nor inside or above one, in " + where);
    }
  }
}

}  // namespace

void setup_diff(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<DiffArgs>();
  cmd.add_option("revs", a->revs, "Revisions to compare: none (HEAD vs workspace), one (REV vs workspace) or two")
      ->expected(0, 2)
      ->type_name("REV");
  cmd.add_option("--targets", a->targets, "Only these tracked paths, or files and directories inside them")
      ->expected(1, -1)
      ->type_name("PATH");
  cmd.add_flag("--exit-code", a->exit_code, "Exit with 1 when there are differences");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Compares the data of two versions file by file: with no revision, HEAD against the\n"
      "workspace; with one, that revision against the workspace; with two, the first against the\n"
      "second. A revision is anything git understands (HEAD~1, a branch, a tag, a commit id).\n"
      "Revisions are read from git's history and tree manifests from the cache, so nothing is\n"
      "checked out; the workspace side is scanned as `mlops status` does (unchanged files by\n"
      "their stat data). Reports files added, deleted, modified and renamed (same content,\n"
      "new name) inside tracked paths, and tracked paths added or removed as a whole. A tracked\n"
      "directory whose tree manifest is not in the cache is reported as 'not in cache'.\n\n"
      "Example:\n  mlops diff HEAD~1                 # what changed in the data since the last commit\n"
      "  mlops diff v1.0 main --targets data/images\n  mlops --json diff main feature --exit-code");
  ctx.on_run(&cmd, [&ctx, a] {
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    GitHistory git(ws.repo().root());
    std::vector<std::string> targets = resolve_targets(ctx, a->targets);
    Version va = at_revision(git, a->revs.empty() ? "HEAD" : a->revs[0]);
    auto progress = ctx.out().progress();
    WorkspaceScanner scanner(ws.repo().root(), ws.state(), {nullptr, ws.jobs(), progress.get()});
    std::unordered_map<Hash, Tree, HashHasher> trees;
    Version vb = a->revs.size() == 2 ? at_revision(git, a->revs[1]) : in_workspace(ws, scanner, targets, trees);
    std::vector<Tracked> pointers = a->revs.size() == 2 ? std::vector<Tracked>{} : find_tracked(ws.repo().root());
    check_targets(a->targets, targets, {&va, &vb}, pointers);

    ObjectStore& store = ws.store();
    TreeLoader load = [&](const Hash& h) -> std::optional<Tree> {
      if (auto it = trees.find(h); it != trees.end()) return it->second;
      if (!store.contains(h)) return std::nullopt;
      return read_tree(store, h);
    };
    auto changes = diff_data(va.tracked, vb.tracked, load, targets);
    json doc = diff_json(va, vb, changes);
    ctx.out().result(doc, [&] { render(ctx.out(), doc); });
    if (a->exit_code && !changes.empty()) ctx.exit_status = 1;
  });
}

}  // namespace mlops::cli
