#pragma once
// The index of packed objects: hash -> (pack, offset, length), in SQLite at
// <cache>/packs/index.sqlite. It is derived data: every row can be rebuilt by
// scanning the packs (pack_file.hpp). A corrupt or foreign-version database
// found on opening is discarded and recreated empty, and the object store
// re-indexes; one that reports damage later (a bad page deep in the file) is
// recreated there and then, filled from the `rescan` the store provides, and
// the call that met the damage is answered from the new file.
//
// Schema (PRAGMA user_version = 1):
//   packs(id INTEGER PRIMARY KEY, name TEXT UNIQUE, size INTEGER)
//   objects(hash BLOB PRIMARY KEY, pack INTEGER -> packs.id, offset INTEGER,
//           length INTEGER) WITHOUT ROWID, plus an index on objects(pack)
// `offset` is that of the entry header, `length` the stored payload length.
// Packs are referenced by id rather than name to keep rows ~50 bytes.
//
// WAL with synchronous=NORMAL: a power loss may drop the last commits but not
// corrupt the database; a dropped commit only means a published pack is not
// indexed yet, which the store repairs when it next opens.
//
// Thread-safe: one connection, one mutex, statements prepared once.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "digest.hpp"
#include "pack_file.hpp"

namespace mlops {

struct PackedLocation {
  std::string pack;  // file name, "<hex>.pack"
  uint64_t offset;
  uint64_t length;
};

struct IndexedPack {
  std::string name;
  uint64_t size;
};

class PackIndex {
 public:
  // Every readable pack on disk with its intact entries.
  using Rescan = std::function<std::vector<std::pair<IndexedPack, std::vector<PackEntry>>>()>;
  PackIndex(std::filesystem::path db_path, Rescan rescan);
  ~PackIndex();
  PackIndex(const PackIndex&) = delete;
  PackIndex& operator=(const PackIndex&) = delete;

  // True when the database file was unreadable and has been recreated empty.
  bool recreated() const { return recreated_; }

  bool contains(const Hash& hash) const;
  // The same for many, in one read transaction: outside one, every statement
  // takes and drops the database's read lock.
  std::vector<bool> contains_many(const std::vector<Hash>& hashes) const;
  std::optional<PackedLocation> find(const Hash& hash) const;
  std::vector<IndexedPack> packs() const;
  std::vector<PackEntry> entries_of(const std::string& pack) const;
  void for_each(const std::function<void(const Hash&, const PackedLocation&)>& fn) const;

  // Each of these is one transaction. An object already indexed in another
  // pack keeps its row (the first copy wins; the duplicate is garbage for gc).
  void add_pack(const IndexedPack& pack, const std::vector<PackEntry>& entries);
  void remove_pack(const std::string& name);
  // gc: drop `old_packs` and their rows and index `new_packs`, atomically.
  void replace_packs(const std::vector<std::string>& old_packs,
                     const std::vector<std::pair<IndexedPack, std::vector<PackEntry>>>& new_packs);
  void remove_object(const Hash& hash);
  void clear();

 private:
  struct Db;
  void open() const;
  void recreate() const;
  template <class F>
  auto recovering(F&& body) const;
  std::filesystem::path path_;
  Rescan rescan_;
  // Replaced when the file is recreated, which any call may need to do.
  mutable std::unique_ptr<Db> db_;
  mutable std::mutex mu_;
  mutable bool recreated_ = false;
};

}  // namespace mlops
