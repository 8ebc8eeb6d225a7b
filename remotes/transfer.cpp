#include "transfer.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "core/error.hpp"
#include "core/level_walk.hpp"
#include "core/object_store.hpp"
#include "core/pack_file.hpp"
#include "core/parallel.hpp"
#include "remote_codec.hpp"
#include "remote_layout.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr uint64_t kPackTarget = uint64_t{64} << 20;
constexpr size_t kExistsBatch = 1000;
constexpr size_t kRangesPerTask = 64;

uint64_t file_size_or_zero(const fs::path& p) {
  std::error_code ec;
  auto s = fs::file_size(p, ec);
  return ec ? 0 : s;
}

// A local pack's entries if it may go up as it is: every entry in it
// re-hashed right. One that fails (a corrupt entry, even one the index no
// longer lists, or a damaged header) is not sent whole; its wanted objects are
// repacked, each read through the store's checks. The index sent lists every
// entry, so a reader can check it against the pack's name.
std::optional<std::vector<PackEntry>> intact_entries(const fs::path& pack) {
  try {
    PackScan scan = scan_pack(pack);
    if (scan.intact()) return std::move(scan.good);
  } catch (const Error& e) {
    if (e.code() != Errc::integrity) throw;
  }
  return std::nullopt;
}

}  // namespace

Transfer::Transfer(ObjectStore& store, Remote& remote, RemoteCatalog& catalog, fs::path tmp_dir, int jobs,
                   Progress* progress, int compress_level)
    : store_(store),
      remote_(remote),
      catalog_(catalog),
      tmp_(std::move(tmp_dir)),
      jobs_(jobs),
      progress_(progress),
      compress_level_(compress_level) {
  fs::create_directories(tmp_);
}

std::vector<Hash> Transfer::reachable_local(const std::vector<TreeRef>& roots, std::vector<Hash>& missing) {
  std::vector<Hash> out;
  walk_levels(store_, roots, [&](const std::vector<LevelObject>& level) {
    for (const auto& o : level) (store_.contains(o.hash) ? out : missing).push_back(o.hash);
  });
  return out;
}

std::vector<bool> Transfer::remote_has_loose(const std::vector<Hash>& hashes) {
  std::vector<bool> out;
  for (size_t i = 0; i < hashes.size(); i += kExistsBatch) {
    std::vector<std::string> keys;
    for (size_t j = i; j < std::min(hashes.size(), i + kExistsBatch); ++j) keys.push_back(loose_key(hashes[j]));
    auto found = take(remote_.exists(keys));
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

TransferStats Transfer::push(const std::vector<TreeRef>& roots) {
  TransferStats stats;
  catalog_.refresh();
  std::vector<Hash> objects = reachable_local(roots, stats.missing);
  std::vector<Hash> large;
  std::map<std::string, std::vector<Hash>> small_by_pack;
  for (const auto& h : objects) {
    if (catalog_.find(h)) {
      stats.up_to_date++;
    } else if (store_.loose_path(h)) {
      large.push_back(h);
    } else if (auto loc = store_.packed_location(h)) {
      small_by_pack[loc->pack].push_back(h);
    }
  }
  auto present = remote_has_loose(large);
  std::vector<Hash> large_missing;
  for (size_t i = 0; i < large.size(); ++i) (present[i] ? stats.up_to_date++ : (large_missing.push_back(large[i]), 0));

  // Uploads: whole local packs that are mostly wanted, new packs for the rest.
  struct Upload {
    fs::path file;
    std::string name;
    std::vector<PackEntry> entries;
    bool temporary;
  };
  std::vector<Upload> uploads;
  std::unique_ptr<PackWriter> writer;
  auto finish_writer = [&] {
    if (!writer || writer->entries().empty()) return;
    std::string name = writer->publish();
    uploads.push_back({tmp_ / name, name, writer->entries(), true});
    writer.reset();
  };
  for (const auto& [pack, wanted] : small_by_pack) {
    auto entries = store_.pack_entries(pack);
    uint64_t pack_bytes = 0, wanted_bytes = 0;
    for (const auto& e : entries) pack_bytes += e.length;
    for (const auto& h : wanted) wanted_bytes += store_.packed_location(h)->length;
    // A local pack holds raw entries: as it is, it only suits an uncompressed remote.
    if (compress_level_ == 0 && wanted_bytes * 2 >= pack_bytes) {
      if (auto all = intact_entries(store_.pack_path(pack))) {
        uploads.push_back({store_.pack_path(pack), pack, std::move(*all), false});
        stats.objects += wanted.size();
        continue;
      }
    }
    for (const auto& h : wanted) {
      if (!writer) writer = std::make_unique<PackWriter>(tmp_);
      EncodedEntry e = encode_entry(store_.get_bytes(h), compress_level_);
      writer->append(h, e.payload, e.encoding);
      if (e.encoding != kEncodingRaw) stats.compressed++;
      stats.objects++;
      if (writer->size() >= kPackTarget) finish_writer();
    }
  }
  finish_writer();

  uint64_t total = 0;
  for (const auto& u : uploads) total += file_size_or_zero(u.file);
  for (const auto& h : large_missing) total += file_size_or_zero(*store_.loose_path(h));
  if (progress_) progress_->start("Pushing", total, true);
  uint64_t resumed_before = remote_.resumed_upload_bytes();
  std::mutex mu;
  size_t n = uploads.size() + large_missing.size();
  parallel_for(n, jobs_, [&](size_t i) {
    if (i < uploads.size()) {
      const Upload& u = uploads[i];
      uint64_t size = file_size_or_zero(u.file);
      check(remote_.put_file(pack_key(u.name), u.file));
      std::string index = serialize_index(u.entries);
      check(remote_.put_bytes(index_key(u.name), index));  // after the pack: an index means a complete pack
      if (u.temporary) fs::remove(u.file);
      std::lock_guard lock(mu);
      catalog_.add(u.name, size, u.entries, index);
      stats.packs++;
      stats.bytes += size;
      if (progress_) progress_->advance(size);
    } else {
      const Hash& h = large_missing[i - uploads.size()];
      // Hashed now whatever was checked before: what goes up reaches everyone.
      fs::path src = store_.checked_loose(h, "the push to " + remote_.properties().display, false);
      uint64_t plain_size = file_size_or_zero(src);
      auto copy = compress_level_ > 0 ? compress_loose(src, tmp_, compress_level_) : nullptr;
      if (copy) src = copy->path();
      uint64_t size = file_size_or_zero(src);
      check(remote_.put_file(loose_key(h), src));
      std::lock_guard lock(mu);
      stats.objects++;
      if (copy) stats.compressed++;
      stats.bytes += size;
      if (progress_) progress_->advance(plain_size);
    }
  });
  if (progress_) progress_->finish();
  stats.resumed_bytes = remote_.resumed_upload_bytes() - resumed_before;
  stats.bytes -= std::min(stats.bytes, stats.resumed_bytes);
  return stats;
}

// `packed` and `loose` are distinct objects the cache lacks; `loose` ones
// the remote may lack too (stats.missing).
void Transfer::fetch_objects(std::vector<const RemotePacked*> packed, const std::vector<Hash>& loose,
                             TransferStats& stats) {
  std::sort(packed.begin(), packed.end(), [](const RemotePacked* a, const RemotePacked* b) {
    return a->pack != b->pack ? a->pack < b->pack : a->offset < b->offset;
  });
  // Tasks: a whole pack, a batch of byte ranges of one pack (both: packed[begin, end)),
  // or one large object (loose[begin]).
  enum class Get { whole_pack, ranges, large };
  struct Task {
    Get get;
    size_t begin, end;
  };
  std::vector<Task> tasks;
  for (const RemotePacked* p : packed) {
    // The pack as listed now may be shorter than when its index was cached.
    const std::string& pack = catalog_.pack_name(p->pack);
    check_index_layout({{p->hash, p->offset, p->length}}, catalog_.pack_size(p->pack),
                       remote_.properties().display + "/" + index_key(pack));
  }
  for (size_t i = 0, end = 0; i < packed.size(); i = end) {
    uint32_t pack = packed[i]->pack;
    uint64_t want = 0;
    for (end = i; end < packed.size() && packed[end]->pack == pack; ++end) want += kPackEntryHeaderSize + packed[end]->length;
    if (want * 2 >= catalog_.pack_size(pack)) {
      tasks.push_back({Get::whole_pack, i, end});
      continue;
    }
    for (size_t b = i; b < end; b += kRangesPerTask) tasks.push_back({Get::ranges, b, std::min(end, b + kRangesPerTask)});
  }
  for (size_t i = 0; i < loose.size(); ++i) tasks.push_back({Get::large, i, i + 1});

  std::mutex mu;
  parallel_for(tasks.size(), jobs_, [&](size_t i) {
    const Task& t = tasks[i];
    const std::string& origin = remote_.properties().display;
    if (t.get == Get::whole_pack) {
      const std::string& pack = catalog_.pack_name(packed[t.begin]->pack);
      fs::path part = tmp_ / (pack + ".part");
      check(remote_.get_file(pack_key(pack), part, file_size_or_zero(part)));
      uint64_t size = file_size_or_zero(part);
      uint64_t adopted = store_.adopt_pack(part, pack, origin + "/" + pack_key(pack));
      std::lock_guard lock(mu);
      stats.packs++;
      stats.objects += adopted;
      stats.bytes += size;
      if (progress_) progress_->advance(size);
    } else if (t.get == Get::ranges) {
      const std::string& pack = catalog_.pack_name(packed[t.begin]->pack);
      uint64_t bytes = 0;
      for (size_t k = t.begin; k < t.end; ++k) {
        const RemotePacked& p = *packed[k];
        std::string entry = take(remote_.get_bytes(pack_key(pack), ByteRange{p.offset, kPackEntryHeaderSize + p.length}));
        store_.put_small(p.hash, decode_pack_entry(entry, p.hash, origin + "/" + pack_key(pack)));
        bytes += entry.size();
      }
      std::lock_guard lock(mu);
      stats.ranges += t.end - t.begin;
      stats.objects += t.end - t.begin;
      stats.bytes += bytes;
      if (progress_) progress_->advance(bytes);
    } else {
      const Hash& h = loose[t.begin];
      fs::path part = tmp_ / (h.hex() + ".part");
      Status s = remote_.get_file(loose_key(h), part, file_size_or_zero(part));
      if (!s.ok() && s.failure().kind == FailureKind::not_found) {
        std::lock_guard lock(mu);
        stats.missing.push_back(h);
        return;
      }
      check(s);
      uint64_t size = file_size_or_zero(part);
      adopt_loose(store_, part, h, origin + "/" + loose_key(h));
      std::lock_guard lock(mu);
      stats.objects++;
      stats.bytes += size;
      if (progress_) progress_->advance(size);
    }
  });
  store_.flush();
}

TransferStats Transfer::fetch(const std::vector<TreeRef>& roots) {
  TransferStats stats;
  catalog_.refresh();
  if (progress_) progress_->start("Fetching", 0, true);
  walk_levels(store_, roots, [&](const std::vector<LevelObject>& level) {
    std::vector<const RemotePacked*> packed;
    std::vector<Hash> loose;
    for (const auto& o : level) {
      if (store_.contains(o.hash)) stats.up_to_date++;
      else if (const RemotePacked* p = catalog_.find(o.hash)) packed.push_back(p);
      else loose.push_back(o.hash);
    }
    fetch_objects(std::move(packed), loose, stats);
  });
  if (progress_) progress_->finish();
  if (!stats.missing.empty()) check_indexes_against_packs();
  return stats;
}

// An object is missing: before saying so, make sure no damaged index hides
// it. An index that names its pack (all entries raw, none left out) is
// intact; any other is compared with its pack, fetched whole. That costs a
// download per such pack, which is why it is done on this path only.
void Transfer::check_indexes_against_packs() {
  for (const auto& pack : catalog_.pack_names()) {
    std::vector<PackEntry> entries = catalog_.entries_of(pack);
    if (raw_pack_name(entries) == pack) continue;
    std::string origin = remote_.properties().display + "/" + index_key(pack);
    fs::path part = tmp_ / (pack + ".check");
    check(remote_.get_file(pack_key(pack), part, 0));
    PackScan scan;
    try {
      scan = scan_pack(part);
      fs::remove(part);
    } catch (const Error& e) {
      std::error_code ec;
      fs::remove(part, ec);
      if (e.code() != Errc::integrity) throw;
      throw Error(Errc::integrity, remote_.properties().display + "/" + pack_key(pack) + ": " + e.what());
    }
    for (const auto& e : entries) {  // scan.good is in pack order
      auto it = std::lower_bound(scan.good.begin(), scan.good.end(), e.offset,
                                 [](const PackEntry& a, uint64_t offset) { return a.offset < offset; });
      if (it == scan.good.end() || it->offset != e.offset || it->hash != e.hash || it->length != e.length)
        throw Error(Errc::integrity, "pack index " + origin + ": its entry for " + e.hash.str() + " at offset " +
                                         std::to_string(e.offset) +
                                         " does not match the pack; the index or the pack is damaged");
    }
  }
}

Transfer::Comparison Transfer::compare(const std::vector<TreeRef>& roots) {
  Comparison c;
  catalog_.refresh();
  std::vector<Hash> objects = reachable_local(roots, c.not_in_cache);
  c.objects = objects.size() + c.not_in_cache.size();
  std::vector<Hash> large;
  for (const auto& h : objects) {
    if (catalog_.find(h)) continue;
    if (store_.loose_path(h)) large.push_back(h);
    else c.not_on_remote.push_back(h);
  }
  auto present = remote_has_loose(large);
  for (size_t i = 0; i < large.size(); ++i)
    if (!present[i]) c.not_on_remote.push_back(large[i]);
  return c;
}

}  // namespace mlops
