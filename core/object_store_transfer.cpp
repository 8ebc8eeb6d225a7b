// ObjectStore members used by remote transfers: locating packed objects, and
// taking in what was downloaded, always re-hashed on the way in.
#include <unistd.h>

#include <cstdio>
#include <system_error>

#include "atomic_file.hpp"
#include "error.hpp"
#include "object_store.hpp"
#include "pack_index.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {

std::optional<ObjectStore::PackedObject> ObjectStore::packed_location(const Hash& hash) const {
  auto loc = index_->find(hash);
  if (!loc) return std::nullopt;
  return PackedObject{loc->pack, loc->offset, loc->length};
}

std::vector<PackEntry> ObjectStore::pack_entries(const std::string& pack) const { return index_->entries_of(pack); }

uint64_t ObjectStore::adopt_pack(const fs::path& file, const std::string& pack, const std::string& origin) {
  PackScan scan;
  try {
    scan = scan_pack(file);
  } catch (const Error& e) {
    fs::remove(file);
    throw Error(Errc::integrity, origin + ": " + e.what());
  }
  if (!scan.bad.empty() || scan.truncated || !is_pack_name(pack)) {
    fs::remove(file);
    throw Error(Errc::integrity, origin + ": " + std::to_string(scan.bad.size()) +
                                     " corrupt object(s)" + (scan.truncated ? ", truncated" : "") +
                                     "; nothing of it was kept");
  }
  if (scan.encoded > 0) {
    UniqueFd fd = open_read(file);
    for (const auto& e : scan.good) put_small(e.hash, read_pack_entry(fd.get(), file, e.offset, e.length, e.hash));
    fs::remove(file);
    return scan.good.size();
  }
  fs::path target = packs_dir_ / pack;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    fs::remove(file);  // same name, same bytes
  } else {
    fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::rename(file, target);
    fsync_dir(packs_dir_);
  }
  index_->add_pack({pack, scan.size}, scan.good);
  return scan.good.size();
}

void ObjectStore::adopt_file(const fs::path& file, const Hash& expected, const std::string& origin) {
  // One read: hash, and keep the bytes of a small object; a large verified
  // file is then renamed into place, never copied. A mismatch leaves nothing.
  UniqueFd fd = open_read(file);
  Hasher hasher;
  std::string buf(1 << 20, '\0'), small;
  uint64_t size = 0;
  while (size_t n = read_full(fd.get(), buf.data(), buf.size(), file)) {
    hasher.update(buf.data(), n);
    size += n;
    if (size < threshold_) small.append(buf.data(), n);
  }
  Hash actual = hasher.finish();
  if (actual != expected) {
    fs::remove(file);
    throw Error(Errc::integrity, origin + ": content hashes to " + actual.str() + ", not " + expected.str() +
                                     "; refused, nothing kept");
  }
  if (size < threshold_) {
    put_small(expected, small);
    fs::remove(file);
    return;
  }
  if (::fsync(fd.get()) != 0) throw_errno("cannot fsync " + file.string());
  fs::path target = loose_file(expected);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    fs::remove(file);  // same name, same bytes
    return;
  }
  fs::create_directories(target.parent_path());
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::rename(file, target);
  fsync_dir(target.parent_path());
  remember_intact(expected);  // after the rename, which moves the file's ctime
}

}  // namespace mlops
