#include "pack_index.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "error.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr int kSchemaVersion = 1;

// The database file is damaged or not an index of ours: thrown by every
// SQLite call that reports it and caught by the PackIndex member that made
// the call, which recreates the file (see the header). It never escapes.
struct Unusable {};

bool is_corruption(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const char* sql, const fs::path& path) {
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr);
    if (rc != SQLITE_OK) {
      if (is_corruption(rc)) throw Unusable{};
      throw Error("pack index " + path.string() + ": " + sqlite3_errmsg(db));
    }
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(Stmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Binds, steps and resets a statement around a scope, so a throw leaves it reusable.
class Use {
 public:
  explicit Use(const Stmt& s) : s_(s.get()) {}
  ~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use& blob(int i, const Hash& h) {
    sqlite3_bind_blob(s_, i, h.bytes.data(), static_cast<int>(h.bytes.size()), SQLITE_STATIC);
    return *this;
  }
  Use& text(int i, const std::string& t) {
    sqlite3_bind_text(s_, i, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
    return *this;
  }
  Use& integer(int i, uint64_t v) {
    sqlite3_bind_int64(s_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_;
};

Hash column_hash(sqlite3_stmt* s, int col) {
  Hash h;
  if (sqlite3_column_bytes(s, col) == static_cast<int>(h.bytes.size()))
    std::memcpy(h.bytes.data(), sqlite3_column_blob(s, col), h.bytes.size());
  return h;
}

uint64_t column_u64(sqlite3_stmt* s, int col) { return static_cast<uint64_t>(sqlite3_column_int64(s, col)); }

std::string column_text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

struct PackIndex::Db {
  sqlite3* db = nullptr;
  fs::path path;
  Stmt contains, find, insert_object, insert_pack, delete_pack_objects, delete_pack, pack_id;
  // Members are destroyed after the body: close_v2 defers the close until
  // the statements are finalized.
  ~Db() { sqlite3_close_v2(db); }

  [[noreturn]] void fail(int rc, const std::string& what) const {
    if (is_corruption(rc)) throw Unusable{};
    throw Error("pack index " + path.string() + ": " + what + ": " + sqlite3_errmsg(db));
  }
  void exec(const char* sql) const {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
  }
  void done(Use& u, const char* what) const {
    int rc = u.step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(rc, what);
  }
  uint64_t insert_pack_row(const IndexedPack& p) const {
    {
      Use u(insert_pack);
      u.text(1, p.name).integer(2, p.size);
      done(u, "insert pack");
    }
    Use u(pack_id);
    u.text(1, p.name);
    if (u.step() != SQLITE_ROW) fail(SQLITE_ERROR, "look up pack " + p.name);
    return column_u64(u.get(), 0);
  }
  void insert_entries(uint64_t id, const std::vector<PackEntry>& entries) const {
    // In hash order: the objects table is a B-tree keyed by hash, and one
    // sorted pass touches each of its pages once, where pack order (random
    // hashes) revisited pages long evicted from SQLite's small page cache.
    std::vector<const PackEntry*> sorted;
    sorted.reserve(entries.size());
    for (const auto& e : entries) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [](const PackEntry* a, const PackEntry* b) { return a->hash < b->hash; });
    for (const PackEntry* ep : sorted) {
      const PackEntry& e = *ep;
      Use u(insert_object);
      u.blob(1, e.hash).integer(2, id).integer(3, e.offset).integer(4, e.length);
      done(u, "insert object");
    }
  }
  void drop_pack(const std::string& name) const {
    Use u(delete_pack_objects);
    u.text(1, name);
    done(u, "delete pack objects");
    Use v(delete_pack);
    v.text(1, name);
    done(v, "delete pack");
  }
};

namespace {

// BEGIN IMMEDIATE (or `begin`) ... COMMIT, rolled back if the scope is left
// by an exception.
class Transaction {
 public:
  Transaction(sqlite3* db, const fs::path& path, const char* begin = "BEGIN IMMEDIATE") : db_(db), path_(path) {
    exec(begin);
  }
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec("COMMIT");
    open_ = false;
  }

 private:
  void exec(const char* sql) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (is_corruption(rc)) throw Unusable{};
    if (rc != SQLITE_OK) throw Error("pack index " + path_.string() + ": " + sql + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const fs::path& path_;
  bool open_ = true;
};

}  // namespace

PackIndex::PackIndex(fs::path db_path, Rescan rescan) : path_(std::move(db_path)), rescan_(std::move(rescan)) {
  try {
    open();
  } catch (const Unusable&) {
    recreate();
  }
}

void PackIndex::recreate() const {
  db_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  recreated_ = true;
  open();
}

template <class F>
auto PackIndex::recovering(F&& body) const {
  try {
    return body();
  } catch (const Unusable&) {
  }
  // Damaged after it opened well (a bad page deep in the file): rebuilt from
  // the packs before the call is answered, since a missing row would make an
  // object look absent (and gc take it for garbage).
  recreate();
  Transaction t(db_->db, path_);
  for (const auto& [pack, entries] : rescan_()) db_->insert_entries(db_->insert_pack_row(pack), entries);
  t.commit();
  try {
    return body();
  } catch (const Unusable&) {
    throw Error(Errc::failure, "pack index " + path_.string() + " is damaged again right after it was rebuilt");
  }
}

PackIndex::~PackIndex() = default;

void PackIndex::open() const {
  db_ = std::make_unique<Db>();
  db_->path = path_;
  int rc = sqlite3_open_v2(path_.c_str(), &db_->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    if (is_corruption(rc)) throw Unusable{};
    db_->fail(rc, "cannot open");
  }
  sqlite3_busy_timeout(db_->db, 30000);
  auto exec = [&](const char* sql) {
    int r = sqlite3_exec(db_->db, sql, nullptr, nullptr, nullptr);
    if (is_corruption(r)) throw Unusable{};
    if (r != SQLITE_OK) db_->fail(r, sql);
  };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("BEGIN IMMEDIATE");
  int version = 0;
  {
    Stmt s(db_->db, "PRAGMA user_version", path_);
    if (sqlite3_step(s.get()) == SQLITE_ROW) version = sqlite3_column_int(s.get(), 0);
  }
  if (version == 0) {
    exec("CREATE TABLE IF NOT EXISTS packs(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, size INTEGER NOT NULL)");
    exec("CREATE TABLE IF NOT EXISTS objects(hash BLOB PRIMARY KEY, pack INTEGER NOT NULL, offset INTEGER NOT NULL,"
         " length INTEGER NOT NULL) WITHOUT ROWID");
    exec("CREATE INDEX IF NOT EXISTS objects_by_pack ON objects(pack)");
    exec("PRAGMA user_version=1");
  } else if (version != kSchemaVersion) {
    exec("ROLLBACK");
    throw Unusable{};
  }
  exec("COMMIT");
  sqlite3* db = db_->db;
  db_->contains = Stmt(db, "SELECT 1 FROM objects WHERE hash=?1", path_);
  db_->find = Stmt(db,
                   "SELECT p.name, o.offset, o.length FROM objects o JOIN packs p ON p.id=o.pack WHERE o.hash=?1",
                   path_);
  db_->insert_object = Stmt(db, "INSERT OR IGNORE INTO objects(hash, pack, offset, length) VALUES(?1,?2,?3,?4)", path_);
  db_->insert_pack = Stmt(db, "INSERT OR IGNORE INTO packs(name, size) VALUES(?1,?2)", path_);
  db_->pack_id = Stmt(db, "SELECT id FROM packs WHERE name=?1", path_);
  db_->delete_pack_objects =
      Stmt(db, "DELETE FROM objects WHERE pack=(SELECT id FROM packs WHERE name=?1)", path_);
  db_->delete_pack = Stmt(db, "DELETE FROM packs WHERE name=?1", path_);
}

bool PackIndex::contains(const Hash& hash) const {
  std::lock_guard lock(mu_);
  return recovering([&] {
    Use u(db_->contains);
    u.blob(1, hash);
    int rc = u.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) db_->fail(rc, "look up " + hash.str());
    return rc == SQLITE_ROW;
  });
}

std::vector<bool> PackIndex::contains_many(const std::vector<Hash>& hashes) const {
  std::vector<bool> out(hashes.size(), false);
  if (hashes.empty()) return out;
  std::lock_guard lock(mu_);
  return recovering([&] {
    Transaction read(db_->db, path_, "BEGIN");
    for (size_t i = 0; i < hashes.size(); ++i) {
      Use u(db_->contains);
      u.blob(1, hashes[i]);
      int rc = u.step();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) db_->fail(rc, "look up " + hashes[i].str());
      out[i] = rc == SQLITE_ROW;
    }
    read.commit();
    return out;
  });
}

std::optional<PackedLocation> PackIndex::find(const Hash& hash) const {
  std::lock_guard lock(mu_);
  return recovering([&]() -> std::optional<PackedLocation> {
    Use u(db_->find);
    u.blob(1, hash);
    int rc = u.step();
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) db_->fail(rc, "look up " + hash.str());
    return PackedLocation{column_text(u.get(), 0), column_u64(u.get(), 1), column_u64(u.get(), 2)};
  });
}

std::vector<IndexedPack> PackIndex::packs() const {
  std::lock_guard lock(mu_);
  return recovering([&] {
    Stmt s(db_->db, "SELECT name, size FROM packs ORDER BY name", path_);
    std::vector<IndexedPack> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back({column_text(s.get(), 0), column_u64(s.get(), 1)});
    if (rc != SQLITE_DONE) db_->fail(rc, "list packs");
    return out;
  });
}

std::vector<PackEntry> PackIndex::entries_of(const std::string& pack) const {
  std::lock_guard lock(mu_);
  return recovering([&] {
    Stmt s(db_->db,
           "SELECT o.hash, o.offset, o.length FROM objects o JOIN packs p ON p.id=o.pack WHERE p.name=?1"
           " ORDER BY o.offset",
           path_);
    sqlite3_bind_text(s.get(), 1, pack.data(), static_cast<int>(pack.size()), SQLITE_STATIC);
    std::vector<PackEntry> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
      out.push_back({column_hash(s.get(), 0), column_u64(s.get(), 1), column_u64(s.get(), 2)});
    if (rc != SQLITE_DONE) db_->fail(rc, "list objects of " + pack);
    return out;
  });
}

void PackIndex::for_each(const std::function<void(const Hash&, const PackedLocation&)>& fn) const {
  std::lock_guard lock(mu_);
  // Collected before `fn` sees any: a damaged page found half-way through
  // restarts the listing, and `fn` must not see rows twice.
  auto rows = recovering([&] {
    Stmt s(db_->db, "SELECT o.hash, p.name, o.offset, o.length FROM objects o JOIN packs p ON p.id=o.pack", path_);
    std::vector<std::pair<Hash, PackedLocation>> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
      out.push_back(
          {column_hash(s.get(), 0), {column_text(s.get(), 1), column_u64(s.get(), 2), column_u64(s.get(), 3)}});
    if (rc != SQLITE_DONE) db_->fail(rc, "list objects");
    return out;
  });
  for (const auto& [hash, loc] : rows) fn(hash, loc);
}

void PackIndex::add_pack(const IndexedPack& pack, const std::vector<PackEntry>& entries) {
  std::lock_guard lock(mu_);
  recovering([&] {
    Transaction t(db_->db, path_);
    db_->insert_entries(db_->insert_pack_row(pack), entries);
    t.commit();
  });
}

void PackIndex::remove_pack(const std::string& name) {
  std::lock_guard lock(mu_);
  recovering([&] {
    Transaction t(db_->db, path_);
    db_->drop_pack(name);
    t.commit();
  });
}

void PackIndex::replace_packs(const std::vector<std::string>& old_packs,
                              const std::vector<std::pair<IndexedPack, std::vector<PackEntry>>>& new_packs) {
  std::lock_guard lock(mu_);
  recovering([&] {
    Transaction t(db_->db, path_);
    for (const auto& name : old_packs) db_->drop_pack(name);
    for (const auto& [pack, entries] : new_packs) db_->insert_entries(db_->insert_pack_row(pack), entries);
    t.commit();
  });
}

void PackIndex::remove_object(const Hash& hash) {
  std::lock_guard lock(mu_);
  recovering([&] {
    Stmt s(db_->db, "DELETE FROM objects WHERE hash=?1", path_);
    sqlite3_bind_blob(s.get(), 1, hash.bytes.data(), static_cast<int>(hash.bytes.size()), SQLITE_STATIC);
    int rc = sqlite3_step(s.get());
    if (rc != SQLITE_DONE) db_->fail(rc, "remove " + hash.str());
  });
}

void PackIndex::clear() {
  std::lock_guard lock(mu_);
  recovering([&] {
    Transaction t(db_->db, path_);
    db_->exec("DELETE FROM objects");
    db_->exec("DELETE FROM packs");
    t.commit();
  });
}

}  // namespace mlops
