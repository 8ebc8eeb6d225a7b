#pragma once
// A memo of loose objects found intact, so that an object leaving the cache
// by reflink, hardlink, symlink or copy is hashed once, not on every checkout
// (ObjectStore's verified reads, object_store_verify.cpp).
//
// A row says: the loose file of `hash` hashed to `hash` when it had this
// identity (device, inode, size, mtime_ns, ctime_ns). Any write to the file
// changes its ctime, which no user call can set back, so a file whose stat
// still matches its row holds the bytes that were hashed. What a row cannot
// see is decay below the filesystem (a bad disk sector changes no stat);
// `mlops fsck` re-hashes every object whatever this memo says.
//
// Stored in SQLite at <cache>/verified.sqlite (PRAGMA user_version = 1):
//   verified(hash BLOB PRIMARY KEY, dev INTEGER, ino INTEGER, size INTEGER,
//            mtime_ns INTEGER, ctime_ns INTEGER) WITHOUT ROWID
// It is a cache of facts that can be recomputed: a database that cannot be
// opened or read is deleted and recreated, and one that fails later is no
// longer consulted for the rest of the process (the objects are re-hashed).
//
// Thread-safe: one connection behind one mutex, opened on first use.
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "digest.hpp"

namespace mlops {

class SqliteDb;

// What a loose file's stat says about its bytes.
struct LooseIdentity {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const LooseIdentity&) const = default;
};
LooseIdentity loose_identity(const struct stat& st);

class VerifiedLooseMemo {
 public:
  explicit VerifiedLooseMemo(std::filesystem::path db_file);
  ~VerifiedLooseMemo();
  VerifiedLooseMemo(const VerifiedLooseMemo&) = delete;
  VerifiedLooseMemo& operator=(const VerifiedLooseMemo&) = delete;

  // True when `hash` was found intact with exactly this identity.
  bool verified(const Hash& hash, const LooseIdentity& id);
  void record(const Hash& hash, const LooseIdentity& id);

 private:
  SqliteDb* db();
  void disable();
  std::filesystem::path file_;
  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;
  bool disabled_ = false;
};

}  // namespace mlops
