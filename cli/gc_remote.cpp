// `mlops gc --remote NAME` (remotes/remote_gc.hpp does the work).
#include <ctime>
#include <optional>

#include "core/error.hpp"
#include "core/live_set.hpp"
#include "core/run_store.hpp"
#include "core/workspace.hpp"
#include "gc_common.hpp"
#include "remote_session.hpp"
#include "remotes/remote_gc.hpp"
#include "remotes/remote_lock.hpp"
#include "remotes/remote_temp.hpp"

namespace mlops::cli {
namespace {

constexpr const char* kRunRefs = "run-refs/";

// The run records the remote's refs name: kept like local ones, so a run
// pushed by anyone survives.
uint64_t add_remote_runs(Remote& remote, LiveSet& live) {
  uint64_t n = 0;
  for (const auto& entry : take(remote.list(kRunRefs))) {
    std::string text = take(remote.get_bytes(entry.key));
    live.add(TreeRef{EntryKind::file, RunStore::parse_ref(text, remote.properties().display + "/" + entry.key), 0});
    ++n;
  }
  return n;
}

}  // namespace

void gc_on_remote(Context& ctx, Workspace& ws, const GcArgs& a) {
  auto& out = ctx.out();
  RemoteSession session(ctx, a.remote, a.jobs);
  Remote& remote = *session.remote;
  // Taken before the live set is computed, so no push can add refs or
  // objects the live set misses. A dry run writes nothing and takes none.
  std::optional<RemoteLock> lock;
  if (!a.dry_run) lock.emplace(remote, LockKind::exclusive, "gc");
  session.catalog->refresh();
  LiveSet live(ws.store(), [&](const Hash& h) { return read_remote_object(remote, *session.catalog, h); });
  json kept = collect_live(ctx, ws, a, live);
  kept["remote_runs"] = add_remote_runs(remote, live);
  kept["live_objects"] = live.size();
  kept["missing_trees"] = live.missing_trees();
  size_t stale_locks = lock ? lock->remove_stale() : 0;
  TempSweep temps = remove_stale_remote_temps(remote, std::time(nullptr), a.dry_run);

  auto progress = out.progress();
  RemoteGcOptions options;
  options.repack_below_live_fraction = kRepackBelowLiveFraction;
  options.dry_run = a.dry_run;
  options.jobs = session.jobs();
  options.tmp_dir = ws.repo().tmp_dir() / "gc-remote";
  options.progress = progress.get();
  RemoteGcStats s = gc_remote(remote, *session.catalog, [&](const Hash& h) { return live.contains(h); }, options);
  json doc{{"remote", session.spec.name},
           {"dry_run", a.dry_run},
           {"kept", kept},
           {"removed",
            {{"objects", s.objects_removed},
             {"bytes", s.bytes_freed},
             {"loose_objects", s.loose_removed},
             {"packs_rewritten", s.packs_rewritten},
             {"packs_deleted", s.packs_deleted},
             {"unindexed_packs", s.unindexed_packs},
             {"stale_locks", stale_locks},
             {"unfinished_uploads", temps.removed},
             {"unfinished_bytes", temps.bytes}}},
           {"written", {{"packs", s.packs_written}, {"objects", s.objects_moved}}}};
  out.result(doc, [&] { render_gc(out, doc); });
  if (live.missing_trees())
    out.note(std::to_string(live.missing_trees()) +
             " tree manifest(s) referenced by the kept versions are neither in the cache nor on remote " +
             session.spec.name + "; nothing below them could be kept");
}

}  // namespace mlops::cli
