#include "verified_loose.hpp"

#include <system_error>

#include "error.hpp"
#include "sqlite_db.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr int kSchemaVersion = 1;

int64_t ns(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

std::unique_ptr<SqliteDb> open_memo(const fs::path& file) {
  auto db = std::make_unique<SqliteDb>(file);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=NORMAL");
  SqliteStmt version(*db, "PRAGMA user_version");
  int64_t v = version.step() ? version.column_int(0) : 0;
  if (v != 0 && v != kSchemaVersion) throw Error("database " + file.string() + ": unknown version");
  db->exec(
      "CREATE TABLE IF NOT EXISTS verified(hash BLOB PRIMARY KEY, dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
      " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL) WITHOUT ROWID");
  db->exec("PRAGMA user_version=1");
  return db;
}

}  // namespace

LooseIdentity loose_identity(const struct stat& st) {
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          ns(st.st_mtim), ns(st.st_ctim)};
}

VerifiedLooseMemo::VerifiedLooseMemo(fs::path db_file) : file_(std::move(db_file)) {}

VerifiedLooseMemo::~VerifiedLooseMemo() = default;

// Opens on first use; a memo that cannot be opened is recreated once, then
// given up on (see the header: it only saves re-hashing).
SqliteDb* VerifiedLooseMemo::db() {
  if (db_ || disabled_) return db_.get();
  try {
    db_ = open_memo(file_);
  } catch (const Error&) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file_.string() + suffix, ec);
    try {
      db_ = open_memo(file_);
    } catch (const Error&) {
      disable();
    }
  }
  return db_.get();
}

void VerifiedLooseMemo::disable() {
  db_.reset();
  disabled_ = true;
}

bool VerifiedLooseMemo::verified(const Hash& hash, const LooseIdentity& id) {
  std::lock_guard lock(mu_);
  SqliteDb* d = db();
  if (!d) return false;
  try {
    SqliteStmt s(*d, "SELECT dev, ino, size, mtime_ns, ctime_ns FROM verified WHERE hash=?1");
    s.bind_blob(1, hash.bytes.data(), hash.bytes.size());
    if (!s.step()) return false;
    LooseIdentity row{static_cast<uint64_t>(s.column_int(0)), static_cast<uint64_t>(s.column_int(1)),
                      static_cast<uint64_t>(s.column_int(2)), s.column_int(3), s.column_int(4)};
    return row == id;
  } catch (const Error&) {
    disable();  // a damaged memo: every object is re-hashed instead
    return false;
  }
}

void VerifiedLooseMemo::record(const Hash& hash, const LooseIdentity& id) {
  std::lock_guard lock(mu_);
  SqliteDb* d = db();
  if (!d) return;
  try {
    SqliteStmt s(*d,
                 "INSERT OR REPLACE INTO verified(hash, dev, ino, size, mtime_ns, ctime_ns) VALUES(?1,?2,?3,?4,?5,?6)");
    s.bind_blob(1, hash.bytes.data(), hash.bytes.size())
        .bind(2, static_cast<int64_t>(id.dev))
        .bind(3, static_cast<int64_t>(id.ino))
        .bind(4, static_cast<int64_t>(id.size))
        .bind(5, id.mtime_ns)
        .bind(6, id.ctime_ns);
    s.step();
  } catch (const Error&) {
    disable();
  }
}

}  // namespace mlops
