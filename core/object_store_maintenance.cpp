// ObjectStore's whole-cache operations: listing, index repair, verification,
// quarantine and temp-file cleanup (gc is in object_store_gc.cpp). They assume no
// concurrent writer in this process (see object_store.hpp).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <set>
#include <thread>

#include "atomic_file.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "pack_file.hpp"
#include "pack_index.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Names made by AtomicFile (".NAME.tmp.XXXXXX") and PackWriter.
bool is_temp_name(const std::string& name) { return name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos; }

std::vector<std::string> pack_files_on_disk(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (is_pack_name(name)) names.push_back(name);
  }
  if (ec) throw Error("cannot list " + dir.string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// Streams a loose file through SHA-256.
Hash hash_file(const fs::path& path, Progress& progress) {
  UniqueFd fd = open_read(path);
  Hasher hasher;
  std::string buf(size_t{1} << 20, '\0');
  while (size_t n = read_full(fd.get(), buf.data(), buf.size(), path)) {
    hasher.update(buf.data(), n);
    progress.advance(n);
  }
  return hasher.finish();
}

fs::path unused_name(const fs::path& dir, const std::string& base) {
  fs::path p = dir / base;
  for (int i = 1; fs::exists(p); ++i) p = dir / (base + "." + std::to_string(i));
  return p;
}

}  // namespace

void ObjectStore::for_each_loose(const std::function<void(const Hash&, const fs::path&, uint64_t)>& fn) const {
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(loose_dir_, ec)) {
    std::string prefix = dir.path().filename().string();
    if (prefix.size() != 2 || !is_hex(prefix) || !dir.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(dir.path(), ec)) {
      std::string rest = file.path().filename().string();
      if (rest.size() != 62 || !is_hex(rest)) continue;
      std::error_code size_ec;
      uint64_t size = file.file_size(size_ec);
      if (size_ec) continue;  // removed meanwhile
      fn(Hash::parse(prefix + rest), file.path(), size);
    }
  }
  if (ec) throw Error("cannot list " + loose_dir_.string() + ": " + ec.message());
}

void ObjectStore::for_each_object(const std::function<void(const ObjectInfo&)>& fn) const {
  for_each_loose([&](const Hash& h, const fs::path& p, uint64_t size) { fn({h, size, false, p, 0}); });
  std::vector<ObjectInfo> packed;  // collected first: fn must be free to call back into the store
  index_->for_each([&](const Hash& h, const PackedLocation& loc) {
    packed.push_back({h, loc.length, true, packs_dir_ / loc.pack, loc.offset});
  });
  for (const auto& info : packed) fn(info);
}

void ObjectStore::index_pack(const std::string& name) {
  PackScan scan = scan_pack(packs_dir_ / name);
  index_->add_pack({name, scan.size}, scan.good);
}

std::vector<std::pair<IndexedPack, std::vector<PackEntry>>> ObjectStore::scan_packs() const {
  std::vector<std::pair<IndexedPack, std::vector<PackEntry>>> out;
  for (const auto& name : pack_files_on_disk(packs_dir_)) {
    try {
      PackScan scan = scan_pack(packs_dir_ / name);
      out.push_back({{name, scan.size}, std::move(scan.good)});
    } catch (const Error& e) {
      if (e.code() != Errc::integrity) throw;  // a damaged pack is left for fsck, as on opening
    }
  }
  return out;
}

void ObjectStore::reconcile_index() {
  // Index first, directory second: a pack published by another process in
  // between is then seen on disk (and indexed twice, harmlessly) instead of
  // being taken for a vanished one.
  std::set<std::string> indexed;
  for (const auto& p : index_->packs()) indexed.insert(p.name);
  std::vector<std::string> on_disk = pack_files_on_disk(packs_dir_);
  for (const auto& name : indexed)
    if (!std::binary_search(on_disk.begin(), on_disk.end(), name)) index_->remove_pack(name);
  for (const auto& name : on_disk) {
    if (indexed.count(name)) continue;
    try {
      index_pack(name);
    } catch (const Error&) {
      // Not a pack we can read (foreign or damaged file): leave it for fsck;
      // the store must still open.
    }
  }
}

ObjectStore::RepairStats ObjectStore::rebuild_index() {
  index_->clear();
  {
    std::lock_guard lock(fds_mu_);
    pack_fds_.clear();
  }
  RepairStats stats;
  for (const auto& name : pack_files_on_disk(packs_dir_)) {
    fs::path path = packs_dir_ / name;
    PackScan scan;
    try {
      scan = scan_pack(path, true);
    } catch (const Error& e) {
      if (e.code() != Errc::integrity) throw;
      scan.bad_header = true;  // too short to hold even a header: nothing to salvage
    }
    if (scan.intact()) {
      index_->add_pack({name, scan.size}, scan.good);
      stats.objects += scan.good.size();
      continue;
    }
    stats.objects += salvage_pack(name, scan.good);
    stats.damaged_packs.push_back(name);
    stats.dropped += scan.bad.size();
  }
  return stats;
}

// Copies the entries of a damaged pack that hash right into a new pack, then
// moves the damaged file to quarantine/. Crash-safe in that order: the file
// is linked into quarantine/ first, the new pack published (it may take the
// same name, when only the header was damaged), and only then is the old
// name dropped.
uint64_t ObjectStore::salvage_pack(const std::string& name, const std::vector<PackEntry>& good) {
  fs::path path = packs_dir_ / name;
  fs::path dir = cache_ / "quarantine";
  fs::create_directories(dir);
  fs::path kept = unused_name(dir, name);
  if (::link(path.c_str(), kept.c_str()) != 0) throw_errno("cannot move " + path.string() + " to " + kept.string());
  fsync_dir(dir);
  std::string fresh;
  if (!good.empty()) {
    PackWriter writer(packs_dir_);
    UniqueFd fd = open_read(path);
    for (const auto& e : good) {
      check_interrupted();
      writer.append(e.hash, read_pack_entry(fd.get(), path, e.offset, e.length, e.hash));
    }
    fresh = writer.publish();
    index_->add_pack({fresh, writer.size()}, writer.entries());
  }
  if (fresh != name) {
    if (::unlink(path.c_str()) != 0) throw_errno("cannot remove " + path.string());
    fsync_dir(packs_dir_);
  }
  return good.size();
}

std::vector<ObjectStore::DamagedPack> ObjectStore::damaged_packs() const {
  // Entries are checked by verify(); a pack whose header is damaged still
  // serves them by offset, or (when the store opened it unindexed) not at all.
  std::vector<DamagedPack> out;
  for (const auto& name : pack_files_on_disk(packs_dir_)) {
    try {
      check_pack_header(packs_dir_ / name);
    } catch (const Error& e) {
      if (e.code() != Errc::integrity) throw;
      out.push_back({name, e.what()});
    }
  }
  return out;
}

std::vector<ObjectStore::ObjectInfo> ObjectStore::verify(int jobs, Progress& progress) {
  // Work units: one per loose object, one per pack (read in offset order).
  struct Unit {
    ObjectInfo loose;
    std::string pack;
    std::vector<PackEntry> entries;
  };
  std::vector<Unit> units;
  uint64_t total = 0;
  for_each_loose([&](const Hash& h, const fs::path& p, uint64_t size) {
    units.push_back({{h, size, false, p, 0}, {}, {}});
    total += size;
  });
  for (const auto& pack : index_->packs()) {
    Unit u{{}, pack.name, index_->entries_of(pack.name)};
    for (const auto& e : u.entries) total += e.length;
    units.push_back(std::move(u));
  }
  progress.start("verify", total, true);

  std::mutex mu;
  std::vector<ObjectInfo> corrupt;
  std::exception_ptr error;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto check_pack = [&](const Unit& u) {
    fs::path path = packs_dir_ / u.pack;
    int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    UniqueFd fd(raw);
    for (const auto& e : u.entries) {
      ObjectInfo info{e.hash, e.length, true, path, e.offset};
      bool bad = raw < 0;
      if (!bad) {
        try {
          read_pack_entry(fd.get(), path, e.offset, e.length, e.hash);
        } catch (const Error& err) {
          if (err.code() != Errc::integrity) throw;
          bad = true;
        }
      }
      progress.advance(e.length);
      if (bad) {
        std::lock_guard lock(mu);
        corrupt.push_back(info);
      }
    }
  };
  auto worker = [&] {
    try {
      for (size_t i; !stop && (i = next++) < units.size();) {
        check_interrupted();
        const Unit& u = units[i];
        if (!u.pack.empty()) {
          check_pack(u);
        } else if (fs::exists(u.loose.location) && hash_file(u.loose.location, progress) != u.loose.hash) {
          std::lock_guard lock(mu);
          corrupt.push_back(u.loose);
        }
      }
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, jobs); ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  progress.finish();
  if (error) std::rethrow_exception(error);
  std::sort(corrupt.begin(), corrupt.end(), [](const ObjectInfo& a, const ObjectInfo& b) {
    return std::tie(a.hash, a.packed) < std::tie(b.hash, b.packed);
  });
  return corrupt;
}

std::string ObjectStore::quarantine_loose(const Hash& hash, const fs::path& path) const {
  fs::path dir = cache_ / "quarantine";
  fs::create_directories(dir);
  fs::path dest = unused_name(dir, hash.hex());
  if (::rename(path.c_str(), dest.c_str()) != 0) {
    // Another thread or process found it first: it is in quarantine already.
    if (errno == ENOENT) return "moved to " + dir.string();
    throw_errno("cannot move " + path.string() + " to " + dest.string());
  }
  fsync_dir(dir);
  fsync_dir(path.parent_path());
  return "moved to " + dest.string();
}

void ObjectStore::quarantine(const ObjectInfo& info) {
  if (!info.packed) {
    quarantine_loose(info.hash, info.location);
    return;
  }
  fs::path dir = cache_ / "quarantine";
  fs::create_directories(dir);
  // Keep the damaged bytes (for a post-mortem), as far as the pack holds
  // them (a damaged index row may claim any offset and length), then forget
  // the entry.
  std::string bytes;
  int raw = ::open(info.location.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw >= 0) {
    UniqueFd fd(raw);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + info.location.string());
    uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t there = info.offset < size ? size - info.offset : 0;
    bytes.resize(static_cast<size_t>(std::min(there, kPackEntryHeaderSize + std::min(info.size, size))));
    bytes.resize(pread_full(fd.get(), bytes.data(), bytes.size(), info.offset, info.location));
  }
  write_file_atomic(unused_name(dir, info.hash.hex() + ".from-" + info.location.stem().string().substr(0, 16)), bytes,
                    0444);
  index_->remove_object(info.hash);
}

uint64_t ObjectStore::remove_temp_files(std::chrono::seconds min_age, bool all_dirs) {
  std::vector<fs::path> dirs = {packs_dir_, loose_dir_};
  std::error_code ec;
  if (all_dirs)
    for (const auto& e : fs::directory_iterator(loose_dir_, ec))
      if (e.is_directory()) dirs.push_back(e.path());
  uint64_t removed = 0;
  time_t now = ::time(nullptr);
  for (const auto& dir : dirs) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (!is_temp_name(name)) continue;
      struct stat st {};
      if (::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (now - st.st_mtime < min_age.count()) continue;
      int raw = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (raw < 0) continue;
      UniqueFd fd(raw);
      if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer holds it
      if (::unlink(e.path().c_str()) == 0) removed++;
    }
  }
  return removed;
}

}  // namespace mlops
