// ObjectStore's verified reads: the one path by which an object's bytes leave
// the cache (checkout, pull's checkout, model get, bundle create, push).
// Packed objects are re-hashed by every read already (read_pack_entry); what
// is here covers loose objects, which are handed out as files.
//
// Cost: a loose object is hashed at most once per change of its file. Every
// way an object enters the cache (add, fetch) hashes it, and a hash that
// matched is remembered against the file's stat (verified_loose.hpp); a
// placement then re-hashes only a file whose stat moved since, which any
// write does (it changes ctime). Push and bundle create hash what they send
// whatever the memo says: a remote and a signed bundle reach other people,
// and both read every byte anyway.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "unique_fd.hpp"
#include "verified_loose.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

struct stat fstat_of(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + path.string());
  return st;
}

}  // namespace

UniqueFd ObjectStore::open_loose(const Hash& hash, const fs::path& path) const {
  int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    if (errno == ENOENT) throw Error(Errc::failure, "object " + hash.str() + " is not in the cache");
    throw_errno("cannot read object " + hash.str() + " at " + path.string());
  }
  return UniqueFd(raw);
}

uint64_t ObjectStore::hash_loose(const Hash& hash, int fd, const fs::path& path, const std::string& purpose,
                                 const std::function<void(const char*, size_t)>& sink) const {
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  LooseIdentity before = loose_identity(fstat_of(fd, path));
  Hasher hasher;
  std::string buf(kChunk, '\0');
  uint64_t size = 0;
  while (size_t n = read_full(fd, buf.data(), buf.size(), path)) {
    check_interrupted();
    hasher.update(buf.data(), n);
    if (sink) sink(buf.data(), n);
    size += n;
  }
  if (hasher.finish() != hash) {
    std::string where = quarantine_loose(hash, path);
    throw Error(Errc::integrity, "object " + hash.str() + (purpose.empty() ? "" : " for " + purpose) +
                                     " is corrupt in the cache (hash mismatch); " + where +
                                     "; add or pull the data again");
  }
  if (loose_identity(fstat_of(fd, path)) == before) memo_->record(hash, before);
  return size;
}

fs::path ObjectStore::checked_loose(const Hash& hash, const std::string& purpose, bool trust_memo) const {
  fs::path path = loose_file(hash);
  UniqueFd fd = open_loose(hash, path);
  if (trust_memo && memo_->verified(hash, loose_identity(fstat_of(fd.get(), path)))) return path;
  hash_loose(hash, fd.get(), path, purpose, nullptr);
  return path;
}

uint64_t ObjectStore::read_checked(const Hash& hash, const std::function<void(const char*, size_t)>& sink,
                                   const std::string& purpose) const {
  if (!loose_path(hash)) {
    std::string data = get_bytes(hash);
    sink(data.data(), data.size());
    return data.size();
  }
  fs::path path = loose_file(hash);
  UniqueFd fd = open_loose(hash, path);
  return hash_loose(hash, fd.get(), path, purpose, sink);
}

void ObjectStore::remember_intact(const Hash& hash) const {
  fs::path path = loose_file(hash);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) memo_->record(hash, loose_identity(st));
}

}  // namespace mlops
