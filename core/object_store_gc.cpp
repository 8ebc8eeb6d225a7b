// ObjectStore::gc: deletes unreferenced loose objects and dead packs, and
// rewrites packs that are mostly garbage (see object_store.hpp for the
// contract, and the crash-safety argument below).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "atomic_file.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "pack_file.hpp"
#include "pack_index.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {

ObjectStore::GcStats ObjectStore::gc(const std::function<bool(const Hash&)>& is_live, double repack_below_live_fraction,
                                     bool dry_run) {
  GcStats stats;
  if (!dry_run) {
    flush();
    remove_temp_files(std::chrono::minutes(2), /*all_dirs=*/true);
  }
  for_each_loose([&](const Hash& h, const fs::path& p, uint64_t size) {
    if (is_live(h)) return;
    if (!dry_run && ::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + p.string());
    stats.objects_removed++;
    stats.bytes_freed += size;
  });

  std::vector<std::string> dead_packs, repack;
  std::vector<PackEntry> keep;  // live entries of the packs in `repack`, with their pack
  std::vector<std::string> keep_pack;
  uint64_t repacked_bytes = 0;
  for (const auto& pack : index_->packs()) {
    check_interrupted();
    std::vector<PackEntry> entries = index_->entries_of(pack.name);
    std::vector<PackEntry> live;
    uint64_t live_bytes = kPackHeaderSize;
    for (const auto& e : entries) {
      if (!is_live(e.hash)) continue;
      live.push_back(e);
      live_bytes += kPackEntryHeaderSize + e.length;
    }
    uint64_t dead_objects = entries.size() - live.size();
    if (live.empty()) {
      dead_packs.push_back(pack.name);
      stats.packs_deleted++;
      stats.bytes_freed += pack.size;
    } else if (static_cast<double>(live_bytes) < repack_below_live_fraction * static_cast<double>(pack.size)) {
      repack.push_back(pack.name);
      repacked_bytes += pack.size;
      for (const auto& e : live) {
        keep.push_back(e);
        keep_pack.push_back(pack.name);
      }
      stats.packs_rewritten++;
      if (dry_run) stats.bytes_freed += pack.size - live_bytes;
    } else {
      continue;
    }
    stats.objects_removed += dead_objects;
  }
  if (dry_run) return stats;

  // Copy live objects into new packs (re-verifying each), index the new packs
  // and forget the old ones in one transaction, then delete the old files: a
  // crash before the commit leaves unindexed new packs (indexed on open,
  // duplicates are harmless), after it leaves old packs that gc deletes next.
  std::vector<std::pair<IndexedPack, std::vector<PackEntry>>> written;
  std::unique_ptr<PackWriter> writer;
  auto seal = [&] {
    std::string name = writer->publish();
    written.push_back({{name, writer->size()}, writer->entries()});
    writer.reset();
  };
  for (size_t i = 0; i < keep.size(); ++i) {
    check_interrupted();
    const PackEntry& e = keep[i];
    auto fd = pack_fd(keep_pack[i]);
    std::string data = read_pack_entry(fd->get(), packs_dir_ / keep_pack[i], e.offset, e.length, e.hash);
    if (!writer) writer = std::make_unique<PackWriter>(packs_dir_);
    writer->append(e.hash, data);
    if (writer->size() >= pack_size_) seal();
  }
  if (writer) seal();
  std::vector<std::string> old = dead_packs;
  old.insert(old.end(), repack.begin(), repack.end());
  std::set<std::string> new_names;
  for (const auto& w : written) new_names.insert(w.first.name);
  // A pack rewritten to identical bytes keeps its name: do not drop it.
  old.erase(std::remove_if(old.begin(), old.end(), [&](const std::string& n) { return new_names.count(n) > 0; }),
            old.end());
  index_->replace_packs(old, written);
  {
    std::lock_guard lock(fds_mu_);
    pack_fds_.clear();
  }
  uint64_t new_bytes = 0;
  for (const auto& w : written) new_bytes += w.first.size;
  for (const auto& name : old) {
    fs::path p = packs_dir_ / name;
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + p.string());
  }
  if (!old.empty()) fsync_dir(packs_dir_);
  stats.bytes_freed += repacked_bytes > new_bytes ? repacked_bytes - new_bytes : 0;
  return stats;
}

}  // namespace mlops
