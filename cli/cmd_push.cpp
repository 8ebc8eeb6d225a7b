// `mlops push`, `mlops fetch`, `mlops pull`: move objects between the cache
// and a remote (remotes/transfer.hpp), for the workspace's pointer files or
// for revisions read from git history, and the run records (run_sync.hpp).
#include <filesystem>
#include <memory>
#include <set>

#include "commands.hpp"
#include "core/checkout.hpp"
#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/text.hpp"
#include "core/tracked.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "pipeline_common.hpp"
#include "remotes/remote_lock.hpp"
#include "remote_session.hpp"
#include "remotes/remote_codec.hpp"
#include "run_sync.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct TransferArgs {
  std::vector<std::string> paths;
  std::string remote;
  int jobs = 0;
  bool all_commits = false, all_branches = false, all_tags = false;
  std::vector<std::string> revs;
};

void add_transfer_options(CLI::App& cmd, TransferArgs& a, bool with_revs) {
  cmd.add_option("paths", a.paths, "Tracked paths (default: all)");
  cmd.add_option("-r,--remote", a.remote, "Remote to use (default: core.remote, or the only one)");
  cmd.add_option("-j,--jobs", a.jobs, "Parallel transfers (default: remote.<name>.jobs or the protocol's)")
      ->check(CLI::Range(1, kMaxJobs));
  if (!with_revs) return;
  cmd.add_flag("--all-commits", a.all_commits, "Also every commit reachable from any ref");
  cmd.add_flag("--all-branches", a.all_branches, "Also the tip of every local branch");
  cmd.add_flag("--all-tags", a.all_tags, "Also every tagged commit");
  cmd.add_option("--rev", a.revs, "Also this revision (repeatable)")->allow_extra_args(false);
}

bool selected(const std::vector<std::string>& rels, const std::string& path) {
  if (rels.empty()) return true;
  for (const auto& r : rels)
    if (path == r || starts_with(path, r + "/") || starts_with(r, path + "/")) return true;
  return false;
}

// The versions to transfer: the workspace's pointers plus those of the asked revisions.
std::vector<TreeRef> roots_for(Context& ctx, const TransferArgs& a, std::vector<Tracked>& workspace) {
  const fs::path& root = ctx.repo().root();
  workspace = select_tracked(root, fs::current_path(), a.paths);
  std::vector<TreeRef> roots;
  for (const auto& t : workspace) roots.push_back(tree_ref(t.out));
  unsigned scope = 0;
  if (a.all_commits) scope |= kAllCommits;
  if (a.all_branches) scope |= kBranchTips;
  if (a.all_tags) scope |= kTagTargets;
  if (scope == 0 && a.revs.empty()) return roots;
  GitHistory git(root);
  std::vector<std::string> commits = scope ? git.commits(scope) : std::vector<std::string>{};
  for (const auto& rev : a.revs) commits.push_back(git.resolve(rev));
  std::vector<std::string> rels;
  for (const auto& p : a.paths) rels.push_back(repo_relative(root, fs::current_path(), p));
  for (const auto& c : commits)
    for (const auto& t : git.pointers(c, c.substr(0, 12)))
      if (selected(rels, t.path)) roots.push_back(tree_ref(t.out));
  return roots;
}

json stats_json(const TransferStats& s) {
  return {{"objects", s.objects}, {"bytes", s.bytes}, {"packs", s.packs}, {"ranges", s.ranges},
          {"up_to_date", s.up_to_date}, {"missing", s.missing.size()}, {"compressed", s.compressed},
          {"resumed_bytes", s.resumed_bytes}};
}

std::string summary(const char* verb, const TransferStats& s, const std::string& remote) {
  std::string text = std::string(verb) + " " + std::to_string(s.objects) + " objects (" + human_size(s.bytes) + ")";
  text += std::string(verb[0] == 'p' && verb[1] == 'u' && verb[2] == 's' ? " to " : " from ") + remote;
  if (s.packs) text += " in " + std::to_string(s.packs) + " pack(s)";
  if (s.compressed) text += ", " + std::to_string(s.compressed) + " compressed";
  if (s.resumed_bytes) text += "; resumed an interrupted upload (" + human_size(s.resumed_bytes) + " not sent again)";
  if (s.up_to_date) text += "; " + std::to_string(s.up_to_date) + " already there";
  return text;
}

void report_run_problems(Context& ctx, const RunSyncStats& s) {
  for (const auto& p : s.problems) ctx.out().warn(p);
}

void report_missing(Context& ctx, const TransferStats& s, const std::string& where) {
  if (s.missing.empty()) return;
  std::string list;
  for (size_t i = 0; i < s.missing.size() && i < 10; ++i) list += "\n  " + s.missing[i].str();
  if (s.missing.size() > 10) list += "\n  ... and " + std::to_string(s.missing.size() - 10) + " more";
  ctx.out().error(std::to_string(s.missing.size()) + " object(s) are not in " + where + ":" + list);
  ctx.exit_status = 1;
}

}  // namespace

void setup_push(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<TransferArgs>();
  auto run_outs = std::make_shared<bool>(false);
  add_transfer_options(cmd, *a, true);
  cmd.add_flag("--run-outs", *run_outs, "Also upload the outs of every recorded run, so others can `exp apply` them");
  cmd.footer(
      "Uploads the objects of tracked paths that the remote lacks: small ones in packs (a few\n"
      "uploads, not one per file), large ones whole. Interrupted pushes can simply be rerun;\n"
      "only what is missing moves. Run records (`mlops exp list`) always go with the data.\n\n"
      "Example:\n  mlops push -r storage --all-branches\n  mlops push --run-outs");
  ctx.on_run(&cmd, [&ctx, a, run_outs] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    std::vector<Tracked> workspace;
    auto roots = roots_for(ctx, *a, workspace);
    if (*run_outs) append_run_outs(ws, roots);
    RemoteSession session(ctx, a->remote, a->jobs);
    // Shared: pushes run side by side, but never beside a `gc --remote`.
    RemoteLock remote_lock(*session.remote, LockKind::shared, "push");
    auto progress = ctx.out().progress();
    int level = compress_level(session.spec);
    Transfer t(ws.store(), *session.remote, *session.catalog, ws.repo().tmp_dir() / "push", session.jobs(),
               progress.get(), level);
    TransferStats s = t.push(roots);
    size_t cache_entries = push_run_cache(ws, *session.remote, roots);
    RunSyncStats records = push_runs(ws, *session.remote, *session.catalog, level);
    report_run_problems(ctx, records);
    ctx.out().result({{"remote", session.spec.name},
                      {"stats", stats_json(s)},
                      {"run_cache_entries", cache_entries},
                      {"runs", records.runs}},
                     [&] {
                       ctx.out().line(summary("pushed", s, session.spec.name));
                       if (cache_entries) ctx.out().note("pushed " + std::to_string(cache_entries) + " run-cache entries");
                       if (records.runs) ctx.out().note("pushed " + std::to_string(records.runs) + " run(s)");
                     });
    report_missing(ctx, s, "the local cache (run `mlops fetch` or `mlops commit` first)");
  });
}

void setup_fetch(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<TransferArgs>();
  add_transfer_options(cmd, *a, true);
  cmd.footer(
      "Downloads the objects of tracked paths that the cache lacks, without touching the\n"
      "workspace. Every object is re-hashed before it enters the cache.");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    std::vector<Tracked> workspace;
    auto roots = roots_for(ctx, *a, workspace);
    RemoteSession session(ctx, a->remote, a->jobs);
    TransferStats s = fetch_into_cache(ctx, ws, session, roots);
    RunSyncStats records = fetch_runs(ws, *session.remote, *session.catalog);
    report_run_problems(ctx, records);
    ctx.out().result({{"remote", session.spec.name}, {"stats", stats_json(s)}, {"runs", records.runs}}, [&] {
      ctx.out().line(summary("fetched", s, session.spec.name));
      if (records.runs) ctx.out().note("fetched " + std::to_string(records.runs) + " run(s)");
    });
    report_missing(ctx, s, "remote " + session.spec.name);
  });
}

void setup_pull(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<TransferArgs>();
  auto force = std::make_shared<bool>(false);
  add_transfer_options(cmd, *a, false);
  cmd.add_flag("-f,--force", *force, "Overwrite workspace changes that are not saved in the cache");
  cmd.footer(
      "fetch, then checkout: after `git clone` or `git pull`, makes the workspace match the\n"
      "pointer files with data from the remote.\n\nExample:\n  git clone URL && cd repo && mlops pull");
  ctx.on_run(&cmd, [&ctx, a, force] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    std::vector<Tracked> workspace;
    auto roots = roots_for(ctx, *a, workspace);
    RemoteSession session(ctx, a->remote, a->jobs);
    TransferStats s = fetch_into_cache(ctx, ws, session, roots);
    RunSyncStats records = fetch_runs(ws, *session.remote, *session.catalog);
    report_run_problems(ctx, records);
    // The checkout needs nothing from the remote: the catalog, 56 bytes per
    // object the remote holds, is freed before the checkout plans every file.
    session.catalog.reset();
    CheckoutOptions o;
    o.force = *force;
    o.link_types = ws.link_types();
    o.jobs = ws.jobs();
    auto progress = ctx.out().progress();
    o.progress = progress.get();
    uint64_t created = 0, updated = 0, deleted = 0;
    std::vector<std::string> refused, absent;
    for (const auto& t : workspace) {
      if (!ws.store().contains(t.out.hash)) {
        absent.push_back(t.path);
        continue;
      }
      Checkout co(ws.repo().root(), ws.store(), ws.state(), o);
      co.apply(t.path, tree_ref(t.out));
      created += co.stats().created;
      updated += co.stats().updated;
      deleted += co.stats().deleted;
      refused.insert(refused.end(), co.stats().refused.begin(), co.stats().refused.end());
    }
    json doc{{"remote", session.spec.name}, {"stats", stats_json(s)}, {"runs", records.runs},
             {"checkout", {{"created", created}, {"updated", updated}, {"deleted", deleted}, {"refused", refused}}}};
    ctx.out().result(doc, [&] {
      ctx.out().line(summary("fetched", s, session.spec.name));
      ctx.out().line("checked out " + std::to_string(created) + " created, " + std::to_string(updated) + " updated, " +
                     std::to_string(deleted) + " deleted");
      if (records.runs) ctx.out().note("fetched " + std::to_string(records.runs) + " run(s)");
    });
    report_missing(ctx, s, "remote " + session.spec.name);
    if (!refused.empty()) {
      ctx.out().error("left " + std::to_string(refused.size()) +
                      " file(s) with unsaved changes alone; `mlops pull --force` overwrites them");
      ctx.exit_status = 1;
    }
    for (const auto& p : absent) ctx.out().warn(p + ": still not in the cache");
    if (!absent.empty()) ctx.exit_status = 1;
  });
}

}  // namespace mlops::cli
