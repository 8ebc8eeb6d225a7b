// `mlops gc`: remove cache objects (or, with --remote, remote objects) that
// no chosen version of the data uses.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/git_history.hpp"
#include "core/live_set.hpp"
#include "core/run_store.hpp"
#include "core/state_index.hpp"
#include "core/text.hpp"
#include "core/tracked.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "gc_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

std::string plural(uint64_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

void gc_cache(Context& ctx, Workspace& ws, const GcArgs& a) {
  auto& out = ctx.out();
  LiveSet live(ws.store());
  json kept = collect_live(ctx, ws, a, live);
  if (!ctx.repo().config().get_string("core.cache_dir").empty())
    out.warn("the cache " + ws.store().cache_dir().string() +
             " is set by core.cache_dir; objects that only other repositories sharing it use are removed too");
  auto stats = ws.store().gc([&](const Hash& h) { return live.contains(h); }, kRepackBelowLiveFraction, a.dry_run);
  json doc{{"dry_run", a.dry_run},
           {"kept", kept},
           {"removed",
            {{"objects", stats.objects_removed},
             {"bytes", stats.bytes_freed},
             {"packs_rewritten", stats.packs_rewritten},
             {"packs_deleted", stats.packs_deleted}}}};
  out.result(doc, [&] { render_gc(out, doc); });
  if (live.missing_trees())
    out.note(plural(live.missing_trees(), "tree manifest") +
             " referenced by the kept versions are not in the cache; nothing below them could be kept");
}

}  // namespace

json collect_live(Context& ctx, Workspace& ws, const GcArgs& a, LiveSet& live) {
  const fs::path& root = ws.repo().root();
  std::vector<Tracked> tracked = find_tracked(root);
  for (const auto& t : tracked) live.add(tree_ref(t.out));
  auto progress = ctx.out().progress();
  WorkspaceScanner scanner(root, ws.state(), {nullptr, ws.jobs(), progress.get()});
  for (const auto& t : tracked)
    if (stat_file(root / t.path)) live.add(scanner.scan(t.path));
  RunStore runs(ws.store(), ws.repo().tmp_dir());
  for (const auto& id : runs.ids())
    if (auto record = runs.object_of(id)) live.add(TreeRef{EntryKind::file, *record, 0});

  unsigned scope = 0;
  if (a.all_branches) scope |= kHeadCommit | kBranchTips;
  if (a.all_tags) scope |= kHeadCommit | kTagTargets;
  if (a.all_commits) scope |= kAllCommits;
  uint64_t commits = 0;
  if (scope) {
    GitHistory git(root);
    auto ids = git.commits(scope);
    commits = ids.size();
    for (const auto& o : git.outs_in(ids)) live.add(tree_ref(o));
  }
  return {{"workspace", true},
          {"all_branches", a.all_branches},
          {"all_tags", a.all_tags},
          {"all_commits", a.all_commits},
          {"tracked_paths", tracked.size()},
          {"commits", commits},
          {"live_objects", live.size()},
          {"missing_trees", live.missing_trees()}};
}

void render_gc(Output& out, const json& doc) {
  const json& k = doc["kept"];
  std::vector<std::string> what{"the workspace (" + plural(k["tracked_paths"].get<uint64_t>(), "tracked path") + ")"};
  if (k["all_branches"].get<bool>()) what.push_back("all branches");
  if (k["all_tags"].get<bool>()) what.push_back("all tags");
  if (k["all_commits"].get<bool>()) what.push_back("all commits");
  if (k.contains("remote_runs") && k["remote_runs"].get<uint64_t>())
    what.push_back(plural(k["remote_runs"].get<uint64_t>(), "run") + " on the remote");
  std::string kept = "Kept objects used by " + join(what, ", ");
  if (k["commits"].get<uint64_t>()) kept += " (" + plural(k["commits"].get<uint64_t>(), "commit") + ")";
  out.line(kept + ": " + plural(k["live_objects"].get<uint64_t>(), "object") + ".");
  const json& r = doc["removed"];
  bool dry = doc["dry_run"].get<bool>();
  std::string from = doc.contains("remote") ? " from remote " + doc["remote"].get<std::string>() : "";
  std::string line = std::string(dry ? "Would remove " : "Removed ") + plural(r["objects"].get<uint64_t>(), "object") +
                     from + ", freeing " + human_size(r["bytes"].get<uint64_t>());
  uint64_t rewritten = r["packs_rewritten"].get<uint64_t>(), deleted = r["packs_deleted"].get<uint64_t>();
  if (rewritten || deleted)
    line += std::string(dry ? "; would rewrite " : "; rewrote ") + plural(rewritten, "pack") + " and " +
            (dry ? "delete " : "deleted ") + plural(deleted, "pack");
  out.line(line + (dry ? " (dry run: nothing removed)." : "."));
  if (r.contains("unfinished_uploads") && r["unfinished_uploads"].get<uint64_t>())
    out.line(std::string(dry ? "Would remove " : "Removed ") +
             plural(r["unfinished_uploads"].get<uint64_t>(), "unfinished upload") + " older than a day (" +
             human_size(r["unfinished_bytes"].get<uint64_t>()) + ").");
}

void setup_gc(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<GcArgs>();
  cmd.add_flag("-w,--workspace", a->workspace, "Keep what the workspace uses (always on)");
  cmd.add_flag("-a,--all-branches", a->all_branches, "Also keep what the tip of every local branch uses");
  cmd.add_flag("-T,--all-tags", a->all_tags, "Also keep what every tagged commit uses");
  cmd.add_flag("-A,--all-commits", a->all_commits, "Also keep what any commit reachable from a ref uses");
  cmd.add_option("-r,--remote", a->remote, "Collect garbage on this remote instead of in the cache");
  cmd.add_flag("-n,--dry-run", a->dry_run, "Only report what would be removed");
  cmd.add_flag("-f,--force", a->force, "Accepted for DVC compatibility; gc never prompts");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Removes cache objects that none of the chosen versions of the data refers to. Always\n"
      "kept: everything the workspace's pointer files refer to (a tracked directory's tree\n"
      "manifests and every object below them) and the current content of tracked paths in\n"
      "the workspace where it is in the cache. --all-branches, --all-tags and --all-commits add\n"
      "the pointer files of those commits (and of HEAD) from git's history. Run records\n"
      "(`mlops exp list`) are always kept; the outs only they name are not. Objects below a\n"
      "tree manifest that is not in the cache cannot be reached and are removed. Packs left\n"
      "mostly garbage are rewritten, packs left empty deleted. gc does not prompt: it prints\n"
      "what it kept and what it removed; use --dry-run first to see. A cache shared between\n"
      "repositories (core.cache_dir) loses what only the other repositories use.\n\n"
      "--remote NAME does the same on a remote and leaves the cache alone: the versions\n"
      "chosen here (from this clone's git history) and the run records the remote holds\n"
      "are kept; tree manifests the cache lacks are read from the remote. Dead loose\n"
      "objects are deleted, mostly dead packs rewritten (new pack and index uploaded before\n"
      "the old ones go, so an interrupted gc loses nothing live). Run refs (run-refs/) and\n"
      "run-cache entries (runs/) on the remote are never deleted. gc takes an exclusive lock\n"
      "object (locks/) on the remote and refuses to run while a push holds one. What only\n"
      "branches unknown to this clone use is removed too: `git fetch` first. Unfinished\n"
      "uploads (*.tmp.* keys a killed push left) older than a day are removed as well.\n\n"
      "Example:\n  mlops gc --all-commits --dry-run\n  mlops gc --workspace --all-branches\n"
      "  mlops gc --remote storage --all-commits --dry-run");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    if (a->remote.empty()) gc_cache(ctx, ws, *a);
    else gc_on_remote(ctx, ws, *a);
  });
}

}  // namespace mlops::cli
