#include "remote_gc.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/pack_file.hpp"
#include "core/parallel.hpp"
#include "core/unique_fd.hpp"
#include "remote_layout.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr uint64_t kPackTarget = uint64_t{64} << 20;

uint64_t stored_size(const PackEntry& e) { return kPackEntryHeaderSize + e.length; }

// What gc decided for one pack that is not kept as it is.
struct Rewrite {
  std::string pack;
  uint64_t size = 0;
  std::vector<PackEntry> copy;  // live objects no kept copy holds; empty: just delete
};

struct Plan {
  std::vector<std::string> dead_loose;
  std::vector<Rewrite> packs;
  std::vector<RemoteEntry> unindexed;
};

Plan make_plan(Remote& remote, RemoteCatalog& catalog, const std::function<bool(const Hash&)>& is_live,
               double threshold, RemoteGcStats& stats) {
  Plan plan;
  // Live objects that stay on the remote as they are: a rewritten pack copies
  // only what none of these holds, so duplicates disappear too.
  std::unordered_set<Hash, HashHasher> held;
  for (const auto& e : take(remote.list("sha256/"))) {
    auto h = hash_of_loose_key(e.key);
    if (!h) continue;  // not ours: left alone
    if (is_live(*h)) {
      held.insert(*h);
      continue;
    }
    plan.dead_loose.push_back(e.key);
    stats.loose_removed++;
    stats.objects_removed++;
    stats.bytes_freed += e.size;
  }
  std::vector<std::pair<Rewrite, std::vector<PackEntry>>> candidates;
  for (const auto& pack : catalog.pack_names()) {
    check_interrupted();
    std::vector<PackEntry> entries = catalog.entries_of(pack);
    std::vector<PackEntry> live;
    uint64_t live_bytes = kPackHeaderSize;
    for (const auto& e : entries) {
      if (!is_live(e.hash)) continue;
      live.push_back(e);
      live_bytes += stored_size(e);
    }
    uint64_t size = catalog.pack_size(pack);
    if (!live.empty() && static_cast<double>(live_bytes) >= threshold * static_cast<double>(size)) {
      for (const auto& e : live) held.insert(e.hash);
      continue;
    }
    stats.objects_removed += entries.size() - live.size();
    candidates.push_back({Rewrite{pack, size, {}}, std::move(live)});
  }
  for (auto& [rewrite, live] : candidates) {
    for (const auto& e : live)
      if (held.insert(e.hash).second) rewrite.copy.push_back(e);
      else stats.objects_removed++;  // a duplicate of a kept copy
    uint64_t copied = 0;
    for (const auto& e : rewrite.copy) copied += stored_size(e);
    stats.bytes_freed += rewrite.size - std::min(rewrite.size, copied);
    (rewrite.copy.empty() ? stats.packs_deleted : stats.packs_rewritten)++;
    stats.objects_moved += rewrite.copy.size();
    plan.packs.push_back(std::move(rewrite));
  }
  plan.unindexed = catalog.unindexed();
  for (const auto& u : plan.unindexed) stats.bytes_freed += u.size;
  stats.unindexed_packs = plan.unindexed.size();
  return plan;
}

struct NewPack {
  std::string name;
  uint64_t size;
  std::vector<PackEntry> entries;
};

// Copies the live objects of the rewritten packs into new packs under
// `o.tmp_dir`, re-hashing each; returns the published packs.
std::vector<NewPack> copy_live(Remote& remote, const Plan& plan, const RemoteGcOptions& o) {
  std::vector<NewPack> out;
  std::unique_ptr<PackWriter> writer;
  std::mutex mu;
  auto seal = [&] {  // under mu
    std::string name = writer->publish();
    out.push_back({name, writer->size(), writer->entries()});
    writer.reset();
  };
  auto append = [&](const Hash& h, const std::string& data) {
    std::lock_guard lock(mu);
    if (!writer) writer = std::make_unique<PackWriter>(o.tmp_dir);
    writer->append(h, data);
    if (writer->size() >= kPackTarget) seal();
  };
  const std::string& where = remote.properties().display;
  parallel_for(plan.packs.size(), o.jobs, [&](size_t i) {
    const Rewrite& r = plan.packs[i];
    if (r.copy.empty()) return;
    std::string origin = where + "/" + pack_key(r.pack);
    uint64_t wanted = 0;
    for (const auto& e : r.copy) wanted += stored_size(e);
    if (wanted * 2 >= r.size) {  // most of it: one request for the whole pack
      fs::path part = o.tmp_dir / (r.pack + ".part");
      check(remote.get_file(pack_key(r.pack), part, 0));
      UniqueFd fd = open_read(part);
      for (const auto& e : r.copy) append(e.hash, read_pack_entry(fd.get(), part, e.offset, e.length, e.hash));
      fs::remove(part);
    } else {
      for (const auto& e : r.copy) {
        std::string entry = take(remote.get_bytes(pack_key(r.pack), ByteRange{e.offset, stored_size(e)}));
        append(e.hash, decode_pack_entry(entry, e.hash, origin));
      }
    }
    if (o.progress) o.progress->advance(wanted);
  });
  if (writer) seal();
  return out;
}

}  // namespace

RemoteGcStats gc_remote(Remote& remote, RemoteCatalog& catalog, const std::function<bool(const Hash&)>& is_live,
                        const RemoteGcOptions& o) {
  RemoteGcStats stats;
  catalog.refresh();
  Plan plan = make_plan(remote, catalog, is_live, o.repack_below_live_fraction, stats);
  if (o.dry_run) return stats;

  // 1. New packs, complete with their indexes, before anything is deleted.
  // The tmp dir is ours alone (the caller holds the repository lock), so
  // whatever an interrupted gc left there goes.
  fs::remove_all(o.tmp_dir);
  fs::create_directories(o.tmp_dir);
  uint64_t to_copy = 0;
  for (const auto& r : plan.packs)
    for (const auto& e : r.copy) to_copy += stored_size(e);
  if (o.progress) o.progress->start("Repacking", to_copy, true);
  std::vector<NewPack> written = copy_live(remote, plan, o);
  std::unordered_set<std::string> new_names;
  std::mutex mu;
  parallel_for(written.size(), o.jobs, [&](size_t i) {
    const NewPack& p = written[i];
    fs::path file = o.tmp_dir / p.name;
    check(remote.put_file(pack_key(p.name), file));
    std::string index = serialize_index(p.entries);
    check(remote.put_bytes(index_key(p.name), index));  // after the pack: an index means a complete pack
    fs::remove(file);
    std::lock_guard lock(mu);
    catalog.add(p.name, p.size, p.entries, index);
    new_names.insert(p.name);
  });
  stats.packs_written = written.size();
  if (o.progress) o.progress->finish();

  // 2. Deletions: an old pack's index before its pack, so no index ever
  // names a missing pack; a pack rewritten to identical bytes is kept.
  std::vector<std::string> doomed_packs;
  for (const auto& r : plan.packs)
    if (!new_names.count(r.pack)) doomed_packs.push_back(r.pack);
  for (const auto& u : plan.unindexed) doomed_packs.push_back(fs::path(u.key).filename().string());
  size_t n = doomed_packs.size() + plan.dead_loose.size();
  parallel_for(n, o.jobs, [&](size_t i) {
    if (i < doomed_packs.size()) {
      check(remote.remove(index_key(doomed_packs[i])));
      check(remote.remove(pack_key(doomed_packs[i])));
    } else {
      check(remote.remove(plan.dead_loose[i - doomed_packs.size()]));
    }
  });
  catalog.refresh();  // forgets the deleted packs and their cached indexes
  fs::remove_all(o.tmp_dir);
  return stats;
}

std::optional<std::string> read_remote_object(Remote& remote, const RemoteCatalog& catalog, const Hash& hash) {
  const std::string& where = remote.properties().display;
  if (const RemotePacked* p = catalog.find(hash)) {
    const std::string key = pack_key(catalog.pack_name(p->pack));
    std::string entry = take(remote.get_bytes(key, ByteRange{p->offset, kPackEntryHeaderSize + p->length}));
    return decode_pack_entry(entry, hash, where + "/" + key);
  }
  auto got = remote.get_bytes(loose_key(hash));
  if (!got.ok() && got.failure().kind == FailureKind::not_found) return std::nullopt;
  std::string data = take(std::move(got));
  if (hash_bytes(data) != hash)
    throw Error(Errc::integrity, "remote " + where + ": " + loose_key(hash) + " does not hash to " + hash.str());
  return data;
}

}  // namespace mlops
