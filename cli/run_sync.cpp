#include "run_sync.hpp"

#include <set>

#include "core/error.hpp"
#include "core/run_store.hpp"
#include "core/workspace.hpp"
#include "remotes/remote_catalog.hpp"
#include "remotes/transfer.hpp"

namespace mlops::cli {
namespace {

constexpr const char* kRefPrefix = "run-refs/";

// Where push and fetch stage their files, as the data commands do: downloads
// beside the cache (they are renamed into it), uploads in the repo's tmp.
Transfer transfer(Workspace& ws, Remote& remote, RemoteCatalog& catalog, const std::filesystem::path& tmp,
                  int compress_level = 0) {
  return Transfer(ws.store(), remote, catalog, tmp, remote.properties().default_jobs, nullptr, compress_level);
}

}  // namespace

RunSyncStats push_runs(Workspace& ws, Remote& remote, RemoteCatalog& catalog, int compress_level) {
  RunStore runs(ws.store(), ws.repo().tmp_dir());
  std::vector<std::string> ids = runs.ids();
  std::vector<std::string> keys;
  for (const auto& id : ids) keys.push_back(RunStore::ref_key(id));
  std::vector<bool> there = keys.empty() ? std::vector<bool>{} : take(remote.exists(keys));
  std::vector<std::pair<std::string, Hash>> missing;
  std::vector<TreeRef> roots;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (there[i]) continue;
    auto object = runs.object_of(ids[i]);
    if (!object) continue;
    missing.emplace_back(ids[i], *object);
    roots.push_back({EntryKind::file, *object, 0});
  }
  RunSyncStats stats;
  if (missing.empty()) return stats;
  TransferStats moved = transfer(ws, remote, catalog, ws.repo().tmp_dir() / "push", compress_level).push(roots);
  std::set<Hash> absent(moved.missing.begin(), moved.missing.end());
  for (const auto& [id, object] : missing) {
    if (absent.count(object)) {
      stats.problems.push_back("run " + id + ": its record " + object.str() + " is not in the cache");
      continue;
    }
    check(remote.put_bytes(RunStore::ref_key(id), RunStore::format_ref(object)));
    ++stats.runs;
  }
  return stats;
}

RunSyncStats fetch_runs(Workspace& ws, Remote& remote, RemoteCatalog& catalog) {
  RunStore runs(ws.store(), ws.repo().tmp_dir());
  std::vector<std::string> local = runs.ids();
  std::set<std::string> have(local.begin(), local.end());
  RunSyncStats stats;
  std::vector<std::pair<std::string, Hash>> wanted;
  std::vector<TreeRef> roots;
  for (const auto& entry : take(remote.list(kRefPrefix))) {
    std::string id = entry.key.substr(entry.key.rfind('/') + 1);
    if (!valid_run_id(id) || have.count(id)) continue;
    std::string ref = take(remote.get_bytes(entry.key));
    try {
      Hash object = RunStore::parse_ref(ref, remote.properties().display + "/" + entry.key);
      wanted.emplace_back(id, object);
      roots.push_back({EntryKind::file, object, 0});
    } catch (const Error& e) {
      stats.problems.push_back(e.what());
    }
  }
  if (wanted.empty()) return stats;
  transfer(ws, remote, catalog, ws.store().cache_dir() / "incoming").fetch(roots);
  for (const auto& [id, object] : wanted) {
    if (!ws.store().contains(object)) {
      stats.problems.push_back("run " + id + ": the remote lacks its record " + object.str());
      continue;
    }
    try {
      runs.add_ref(id, object);
      ++stats.runs;
    } catch (const Error& e) {
      if (e.code() == Errc::interrupted) throw;
      stats.problems.push_back(e.what());
    }
  }
  return stats;
}

void append_run_outs(Workspace& ws, std::vector<TreeRef>& roots) {
  RunStore runs(ws.store(), ws.repo().tmp_dir());
  for (const auto& id : runs.ids())
    for (const auto& o : runs.load(id).outs()) roots.push_back(tree_ref(o));
}

}  // namespace mlops::cli
