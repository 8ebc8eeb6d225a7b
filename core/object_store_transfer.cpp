// ObjectStore members used by remote transfers: locating packed objects, and
// taking in what was downloaded, always re-hashed on the way in.
#include <cstdio>
#include <system_error>

#include "atomic_file.hpp"
#include "error.hpp"
#include "object_store.hpp"
#include "pack_index.hpp"

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
  // put_file hashes while it copies: what lands in the cache is named by
  // what was actually read, and a mismatch is caught before anyone uses it.
  PutResult r = put_file(file);
  fs::remove(file);
  if (r.hash != expected)
    throw Error(Errc::integrity, origin + ": content hashes to " + r.hash.str() + ", not " + expected.str() +
                                     "; refused");
}

}  // namespace mlops
