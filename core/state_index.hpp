#pragma once
// The state index (DESIGN §3, STYLE §6): path -> (device, inode, mtime_ns,
// size, hash) in SQLite under .mlops/tmp/, so that a file whose stat is
// unchanged is never read again. A no-op `status` is then stat-only.
//
// Racy timestamps: a file modified in the same clock tick as the moment we
// hashed it could change again without its mtime moving. Entries therefore
// record when they were hashed, and an entry whose mtime is not safely older
// than that moment is not trusted; the file is re-hashed next time (and then
// recorded as trusted).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "digest.hpp"

namespace mlops {

struct FileStat {
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t mtime_ns = 0;
  uint64_t size = 0;
  bool operator==(const FileStat&) const = default;
};

class SqliteDb;
class SqliteStmt;

class StateIndex {
 public:
  struct Entry {
    FileStat st;
    Hash hash;
    int64_t hashed_ns;
  };
  struct NamedEntry {
    std::string name;  // last path component
    Entry entry;
  };
  // The loaded entries of one directory, sorted by name (bytewise, as the
  // database and a sorted directory listing order them).
  using DirEntries = std::vector<NamedEntry>;

  explicit StateIndex(const std::filesystem::path& db_file);
  ~StateIndex();

  // Loads every entry under `prefix` (a repo-relative path) into memory, so
  // lookups during a scan are in-memory probes, not queries.
  void preload(const std::string& prefix);
  // The recorded hash when the file's stat is unchanged and not racy.
  std::optional<Hash> lookup(const std::string& path, const FileStat& st) const;
  // The loaded entries of directory `dir` (repo-relative), or null: a scan
  // walks a directory's sorted children beside them, one probe per directory.
  const DirEntries* entries_in(const std::string& dir) const;
  // Whether `e` vouches for a file whose stat is now `st`.
  static std::optional<Hash> trusted(const Entry& e, const FileStat& st);
  // Buffered and written in batches of kRecordBatch rows, one transaction
  // each, and by flush(). Thread-safe. A recorded path is visible to
  // lookup() once its batch is written and its prefix preloaded again (a
  // scan preloads its prefix first), so memory stays flat on huge trees.
  void record(const std::string& path, const FileStat& st, const Hash& hash);
  struct Record {
    std::string path;
    FileStat st;
    Hash hash;
  };
  // Many at once, under one lock (a scan's threads would contend per file).
  void record(std::vector<Record>& records);
  void flush();

 private:
  static constexpr size_t kRecordBatch = 8192;
  void write_pending_locked();

  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<SqliteStmt> preload_stmt_;  // declared after db_: finalized before it closes
  std::unique_ptr<SqliteStmt> insert_stmt_;
  std::mutex preload_mu_;
  // Directory -> its entries: names fit in a short string, where whole paths
  // would each cost a heap block, and a scan probes the map once per
  // directory instead of once per file.
  std::unordered_map<std::string, DirEntries> dirs_;
  std::vector<std::pair<std::string, Entry>> pending_;
  std::mutex mu_;
};

// lstat() -> FileStat; nullopt when the path does not exist.
std::optional<FileStat> stat_file(const std::filesystem::path& p);
int64_t now_ns();

}  // namespace mlops
