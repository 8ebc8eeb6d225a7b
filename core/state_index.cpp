#include "state_index.hpp"

#include <sys/stat.h>

#include <chrono>
#include <algorithm>
#include <cstring>
#include <string_view>

#include "error.hpp"
#include "sqlite_db.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// How much older than the moment of hashing an mtime must be to be trusted.
// Kernel file timestamps come from a coarse clock (a few ms); whole-second
// timestamps (some network filesystems) need a full second.
int64_t racy_window(int64_t mtime_ns) { return mtime_ns % 1000000000 == 0 ? 1000000000 : 50000000; }

// "a/b/c" -> {"a/b", "c"}; "c" -> {"", "c"}.
std::pair<std::string_view, std::string_view> split_path(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return {{}, path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

using NamedEntry = StateIndex::NamedEntry;

auto name_less = [](const NamedEntry& e, std::string_view name) { return std::string_view(e.name) < name; };

// The loaded entry for `path` in `dirs` (const or not), or null.
template <class Dirs>
auto find_loaded(Dirs& dirs, const std::string& path) -> decltype(&dirs.begin()->second.front()) {
  auto [parent, name] = split_path(path);
  auto it = dirs.find(std::string(parent));
  if (it == dirs.end()) return nullptr;
  auto e = std::lower_bound(it->second.begin(), it->second.end(), name, name_less);
  return e != it->second.end() && e->name == name ? &*e : nullptr;
}

}  // namespace

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<FileStat> stat_file(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
  return FileStat{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                  static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                  static_cast<uint64_t>(st.st_size)};
}

StateIndex::StateIndex(const fs::path& db_file) {
  fs::create_directories(db_file.parent_path());
  db_ = std::make_unique<SqliteDb>(db_file);
  db_->exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS state(path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER, mtime_ns INTEGER,"
      " size INTEGER, hash BLOB, hashed_ns INTEGER) WITHOUT ROWID;");
}

StateIndex::~StateIndex() = default;

void StateIndex::preload(const std::string& prefix) {
  // Rows for `prefix` itself and everything below `prefix/`.
  // Prepared once: a pipeline preloads one small prefix per dep and out,
  // thousands of times in a no-op `repro`.
  std::lock_guard preload_lock(preload_mu_);
  if (!preload_stmt_)
    preload_stmt_ = std::make_unique<SqliteStmt>(*db_, "SELECT path, dev, ino, mtime_ns, size, hash, hashed_ns FROM state "
                                                       "WHERE path = ?1 OR (path > ?2 AND path < ?3)");
  SqliteStmt& q = *preload_stmt_;
  q.reset();
  q.bind(1, prefix).bind(2, prefix + "/").bind(3, prefix + "0");  // '0' sorts right after '/'
  std::lock_guard lock(mu_);
  DirEntries* dir = nullptr;
  std::string dir_name;
  while (q.step()) {
    auto blob = q.column_blob(5);
    if (blob.size() != 32) continue;
    Entry e;
    e.st = {static_cast<uint64_t>(q.column_int(1)), static_cast<uint64_t>(q.column_int(2)), q.column_int(3),
            static_cast<uint64_t>(q.column_int(4))};
    std::memcpy(e.hash.bytes.data(), blob.data(), 32);
    e.hashed_ns = q.column_int(6);
    auto [parent, name] = split_path(q.column_text(0));
    if (!dir || parent != dir_name) {  // rows of one directory mostly come together
      dir_name = parent;
      dir = &dirs_[dir_name];
    }
    // Rows come sorted by path, so by name within a directory: appending is
    // the rule; a second preload of the same prefix overwrites in place.
    if (dir->empty() || std::string_view(dir->back().name) < name) {
      dir->push_back(NamedEntry{std::string(name), e});
    } else {
      auto it = std::lower_bound(dir->begin(), dir->end(), name, name_less);
      if (it != dir->end() && it->name == name) it->entry = e;
      else dir->insert(it, NamedEntry{std::string(name), e});
    }
  }
}

const StateIndex::DirEntries* StateIndex::entries_in(const std::string& dir) const {
  auto it = dirs_.find(dir);
  return it == dirs_.end() ? nullptr : &it->second;
}

std::optional<Hash> StateIndex::trusted(const Entry& e, const FileStat& st) {
  if (!(e.st == st)) return std::nullopt;
  if (st.mtime_ns + racy_window(st.mtime_ns) > e.hashed_ns) return std::nullopt;
  return e.hash;
}

std::optional<Hash> StateIndex::lookup(const std::string& path, const FileStat& st) const {
  auto* e = find_loaded(dirs_, path);
  if (!e) return std::nullopt;
  return trusted(e->entry, st);
}

void StateIndex::record(const std::string& path, const FileStat& st, const Hash& hash) {
  std::lock_guard lock(mu_);
  pending_.emplace_back(path, Entry{st, hash, now_ns()});
  if (pending_.size() >= kRecordBatch) write_pending_locked();
}

void StateIndex::record(std::vector<Record>& records) {
  int64_t now = now_ns();
  std::lock_guard lock(mu_);
  for (auto& r : records) {
    pending_.emplace_back(std::move(r.path), Entry{r.st, r.hash, now});
    if (pending_.size() >= kRecordBatch) write_pending_locked();
  }
}

void StateIndex::flush() {
  std::lock_guard lock(mu_);
  write_pending_locked();
}

void StateIndex::write_pending_locked() {
  if (pending_.empty()) return;
  SqliteTxn txn(*db_);
  if (!insert_stmt_)
    insert_stmt_ =
        std::make_unique<SqliteStmt>(*db_, "INSERT OR REPLACE INTO state VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  SqliteStmt& ins = *insert_stmt_;
  for (const auto& [path, e] : pending_) {
    ins.bind(1, path)
        .bind(2, static_cast<int64_t>(e.st.dev))
        .bind(3, static_cast<int64_t>(e.st.ino))
        .bind(4, e.st.mtime_ns)
        .bind(5, static_cast<int64_t>(e.st.size))
        .bind_blob(6, e.hash.bytes.data(), 32)
        .bind(7, e.hashed_ns);
    ins.step();
    ins.reset();
    // Only entries already loaded are refreshed: copying every new row into
    // memory would double the peak of a scan over a huge tree.
    if (NamedEntry* loaded = find_loaded(dirs_, path)) loaded->entry = e;
  }
  txn.commit();
  pending_.clear();
}

}  // namespace mlops
