#include "object_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "atomic_file.hpp"
#include "error.hpp"
#include "hashing_copy.hpp"
#include "interrupt.hpp"
#include "materialize.hpp"
#include "pack_file.hpp"
#include "pack_index.hpp"
#include "unique_fd.hpp"
#include "verified_loose.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr size_t kCopyChunk = size_t{1} << 20;
constexpr size_t kMaxCachedPackFds = 64;

bool path_exists(const fs::path& p) { return ::access(p.c_str(), F_OK) == 0; }

// Creates a fan-out directory; the new entry in sha256/ is made durable
// before any object is linked into it.
void ensure_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) {
    fsync_dir(dir.parent_path());
  } else if (errno != EEXIST) {
    throw_errno("cannot create directory " + dir.string());
  }
}

// Writers hold an exclusive flock on their temp files for as long as they
// may still publish them (see remove_temp_files()).
void lock_temp(int fd, const fs::path& path) {
  if (::flock(fd, LOCK_EX) != 0) throw_errno("cannot lock " + path.string());
}

}  // namespace

struct ObjectStore::OpenPack {
  std::unique_ptr<PackWriter> writer;
  std::unordered_map<Hash, size_t, HashHasher> positions;  // hash -> index in writer->entries()
};

struct ObjectStore::PackedRef {
  std::shared_ptr<OpenPack> pack;
  PackEntry entry;
};

ObjectStore::ObjectStore(fs::path cache_dir, uint64_t pack_threshold, uint64_t pack_size)
    : cache_(std::move(cache_dir)),
      loose_dir_(cache_ / "sha256"),
      packs_dir_(cache_ / "packs"),
      threshold_(pack_threshold),
      pack_size_(pack_size) {
  fs::create_directories(loose_dir_);
  fs::create_directories(packs_dir_);
  index_ = std::make_unique<PackIndex>(packs_dir_ / "index.sqlite", [this] { return scan_packs(); });
  memo_ = std::make_unique<VerifiedLooseMemo>(cache_ / "verified.sqlite");
  remove_temp_files();
  reconcile_index();
}

// An unpublished open pack is dropped here, with its temp file: see header.
ObjectStore::~ObjectStore() = default;

fs::path ObjectStore::loose_file(const Hash& hash) const {
  std::string hex = hash.hex();
  return loose_dir_ / hex.substr(0, 2) / hex.substr(2);
}

std::optional<fs::path> ObjectStore::loose_path(const Hash& hash) const {
  fs::path p = loose_file(hash);
  if (path_exists(p)) return p;
  return std::nullopt;
}

bool ObjectStore::pending_contains_locked(const Hash& hash) const {
  if (open_ && open_->positions.count(hash)) return true;
  for (const auto& p : publishing_)
    if (p->positions.count(hash)) return true;
  return false;
}

std::optional<ObjectStore::PackedRef> ObjectStore::find_pending(const Hash& hash) const {
  std::lock_guard lock(pack_mu_);
  auto lookup = [&](const std::shared_ptr<OpenPack>& p) -> std::optional<PackedRef> {
    auto it = p->positions.find(hash);
    if (it == p->positions.end()) return std::nullopt;
    p->writer->flush_buffer();  // rare: reading back what this run just stored
    return PackedRef{p, p->writer->entries()[it->second]};
  };
  if (open_)
    if (auto r = lookup(open_)) return r;
  for (const auto& p : publishing_)
    if (auto r = lookup(p)) return r;
  return std::nullopt;
}

bool ObjectStore::contains(const Hash& hash) const {
  // Pending before indexed: an object only ever moves from the first to the
  // second, so this order cannot miss one that is being published.
  {
    std::lock_guard lock(pack_mu_);
    if (pending_contains_locked(hash)) return true;
  }
  return index_->contains(hash) || path_exists(loose_file(hash));
}

bool ObjectStore::put_small(const Hash& hash, std::string_view data) {
  if (data.size() >= threshold_) return put_loose_bytes(hash, data);
  return put_small_many({{hash, data}}) == 1;
}

size_t ObjectStore::put_small_many(const std::vector<SmallObject>& objects) {
  // A loose copy (stored when the threshold was lower) is not looked for: a
  // packed duplicate is harmless, and the probe would cost one failed path
  // walk per small object.
  std::vector<Hash> hashes;
  hashes.reserve(objects.size());
  for (const auto& o : objects) hashes.push_back(o.hash);
  std::vector<bool> indexed = index_->contains_many(hashes);
  std::vector<std::shared_ptr<OpenPack>> full;
  std::optional<PackWriter::Spill> spill;
  size_t stored = 0;
  {
    std::lock_guard lock(pack_mu_);
    for (size_t i = 0; i < objects.size(); ++i) {
      const SmallObject& o = objects[i];
      if (indexed[i] || pending_contains_locked(o.hash)) continue;
      if (!open_) open_ = std::make_shared<OpenPack>(OpenPack{std::make_unique<PackWriter>(packs_dir_), {}});
      try {
        open_->writer->append_buffered(o.hash, o.data);
        open_->positions.emplace(o.hash, open_->writer->entries().size() - 1);
      } catch (...) {
        // Out of memory mid-entry: the pack is unusable, and objects already
        // reported stored in it are lost, so flush() must fail.
        if (!publish_error_) publish_error_ = std::current_exception();
        open_.reset();
        throw;
      }
      ++stored;
      if (open_->writer->size() >= pack_size_) {
        publishing_.push_back(open_);
        full.push_back(std::move(open_));
      }
    }
    // One spill at most per call: a second one from the same writer would
    // wait for the first's I/O slot. Callers keep batches well under the
    // spill mark, so the buffer never outgrows its reserve.
    if (open_)
      if (auto s = open_->writer->take_full_buffer()) spill.emplace(std::move(*s));
  }
  // I/O happens outside the lock, so other threads keep appending while a
  // buffer is written or a full pack is hashed, fsynced and indexed. A failed
  // write fails the pack, and with it publish() and so flush().
  if (spill) spill->write();
  for (const auto& f : full) publish(f);
  return stored;
}

Hash ObjectStore::put_bytes(std::string_view data) {
  Hash h = hash_bytes(data);
  put_small(h, data);
  return h;
}

void ObjectStore::publish(const std::shared_ptr<OpenPack>& pack) {
  auto done = [&] {
    std::lock_guard lock(pack_mu_);
    publishing_.erase(std::find(publishing_.begin(), publishing_.end(), pack));
    published_cv_.notify_all();
  };
  try {
    std::string name = pack->writer->publish();
    index_->add_pack({name, pack->writer->size()}, pack->writer->entries());
  } catch (...) {
    {
      std::lock_guard lock(pack_mu_);
      if (!publish_error_) publish_error_ = std::current_exception();
    }
    done();
    throw;
  }
  done();
}

void ObjectStore::flush() {
  std::shared_ptr<OpenPack> mine;
  {
    std::lock_guard lock(pack_mu_);
    if (open_) {
      mine = std::move(open_);
      publishing_.push_back(mine);
    }
  }
  if (mine) publish(mine);
  std::unique_lock lock(pack_mu_);
  published_cv_.wait(lock, [&] { return publishing_.empty(); });
  if (publish_error_) std::rethrow_exception(publish_error_);
}

// Loose objects are written to a temp file named after no object (its hash
// may not be known yet), then link()ed to their name: link() fails instead of
// replacing, which both keeps the existing object and tells who stored it.
bool ObjectStore::publish_loose(AtomicFile& tmp, const Hash& hash) {
  fs::path target = loose_file(hash);
  if (path_exists(target)) return false;
  if (::fsync(tmp.fd()) != 0) throw_errno("cannot fsync " + tmp.temp_path().string());
  ensure_dir(target.parent_path());
  if (::link(tmp.temp_path().c_str(), target.c_str()) != 0) {
    if (errno == EEXIST) return false;  // another writer stored the same bytes first
    throw_errno("cannot store object " + hash.str() + " as " + target.string());
  }
  fsync_dir(target.parent_path());
  return true;
}

bool ObjectStore::put_loose_bytes(const Hash& hash, std::string_view data) {
  if (path_exists(loose_file(hash))) return false;
  AtomicFile tmp(loose_dir_ / "incoming", 0444);
  lock_temp(tmp.fd(), tmp.temp_path());
  tmp.write(data);
  return publish_loose(tmp, hash);
}

ObjectStore::PutResult ObjectStore::put_file(const fs::path& src) {
  UniqueFd fd = open_read(src);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + src.string());
  if (!S_ISREG(st.st_mode)) throw Error(Errc::usage, "cannot add " + src.string() + ": not a regular file");
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size >= threshold_) {
    PutResult r = put_large_file(fd.get(), src);
    // Hashed as it was written; recorded once its temp name is gone, since
    // dropping that link moves the file's ctime.
    if (r.stored_new) remember_intact(r.hash);
    return r;
  }
  std::string data(size, '\0');
  data.resize(read_full(fd.get(), data.data(), data.size(), src));
  if (data.size() == size) {
    // The file may have grown since fstat(); what is read is what is stored.
    char more[65536];
    while (size_t n = read_full(fd.get(), more, sizeof more, src)) data.append(more, n);
  }
  Hash h = hash_bytes(data);
  bool stored = put_small(h, data);
  return {h, data.size(), stored};
}

ObjectStore::PutResult ObjectStore::put_large_file(int fd, const fs::path& src) {
  AtomicFile tmp(loose_dir_ / "incoming", 0444);
  lock_temp(tmp.fd(), tmp.temp_path());
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // Where the filesystem shares extents, clone first and hash the clone: one
  // read pass, no copy, and the hash describes exactly the bytes kept even if
  // the source changes meanwhile.
  if (::ioctl(tmp.fd(), FICLONE, fd) != 0) {
    HashedCopy copy = copy_and_hash(fd, src, tmp.fd(), tmp.temp_path());
    return {copy.hash, copy.size, publish_loose(tmp, copy.hash)};
  }
  Hasher hasher;
  uint64_t size = 0;
  std::string buf(kCopyChunk, '\0');
  while (size_t n = read_full(tmp.fd(), buf.data(), buf.size(), tmp.temp_path())) {
    check_interrupted();
    hasher.update(buf.data(), n);
    size += n;
  }
  Hash h = hasher.finish();
  return {h, size, publish_loose(tmp, h)};
}

std::shared_ptr<UniqueFd> ObjectStore::pack_fd(const std::string& name) const {
  std::lock_guard lock(fds_mu_);
  auto it = pack_fds_.find(name);
  if (it != pack_fds_.end()) return it->second;
  auto fd = std::make_shared<UniqueFd>(open_read(packs_dir_ / name));
  if (pack_fds_.size() >= kMaxCachedPackFds) pack_fds_.clear();
  pack_fds_.emplace(name, fd);
  return fd;
}

std::string ObjectStore::get_bytes(const Hash& hash) const {
  if (auto p = find_pending(hash))
    return read_pack_entry(p->pack->writer->fd(), p->pack->writer->temp_path(), p->entry.offset, p->entry.length, hash);
  if (auto loc = index_->find(hash)) {
    auto fd = pack_fd(loc->pack);
    return read_pack_entry(fd->get(), packs_dir_ / loc->pack, loc->offset, loc->length, hash);
  }
  fs::path path = loose_file(hash);
  UniqueFd fd = open_loose(hash, path);
  std::string data;
  hash_loose(hash, fd.get(), path, "", [&](const char* p, size_t n) { data.append(p, n); });
  return data;
}

std::string ObjectStore::materialize(const Hash& hash, const FileAt& dst, const std::vector<std::string>& link_types,
                                     mode_t mode) const {
  static const std::vector<std::string> known = {"reflink", "hardlink", "symlink", "copy"};
  for (const auto& t : link_types)
    if (std::find(known.begin(), known.end(), t) == known.end())
      throw Error(Errc::usage, "unknown link type '" + t + "' (expected reflink, hardlink, symlink or copy)");
  if (link_types.empty()) throw Error(Errc::usage, "no link types given to check out " + dst.string());
  if (loose_path(hash)) {
    fs::path src = checked_loose(hash, dst.string(), true);
    std::string reasons;
    for (const auto& type : link_types) {
      std::string why;
      if (place_file(type, src, dst, mode, why)) {
        // A new link moves the object's ctime; the bytes are the ones just checked.
        if (type == "hardlink") remember_intact(hash);
        return type;
      }
      reasons += (reasons.empty() ? "" : "; ") + type + ": " + why;
    }
    throw Error("cannot check out " + hash.str() + " to " + dst.string() + ": no link type works (" + reasons + ")");
  }
  write_new_file(dst, get_bytes(hash), mode);
  return "copy";
}

}  // namespace mlops
