#include "sqlite_db.hpp"

#include "error.hpp"

namespace mlops {

SqliteDb::SqliteDb(const std::filesystem::path& file) : file_(file) {
  int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(Errc::failure, "cannot open database " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 30000);
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

void SqliteDb::fail(const std::string& what) const {
  throw Error(Errc::failure, "database " + file_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error(Errc::failure, "database " + file_.string() + ": " + msg);
  }
}

SqliteStmt::SqliteStmt(SqliteDb& db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK) db.fail("cannot prepare statement");
}

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

SqliteStmt& SqliteStmt::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) db_.fail("bind");
  return *this;
}

SqliteStmt& SqliteStmt::bind(int i, std::string_view text) {
  if (sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_.fail("bind");
  return *this;
}

SqliteStmt& SqliteStmt::bind_blob(int i, const void* data, size_t size) {
  if (sqlite3_bind_blob(stmt_, i, data, static_cast<int>(size), SQLITE_TRANSIENT) != SQLITE_OK) db_.fail("bind");
  return *this;
}

bool SqliteStmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("query failed");
}

void SqliteStmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStmt::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }

std::string_view SqliteStmt::column_text(int i) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string_view();
}

std::string_view SqliteStmt::column_blob(int i) const {
  auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string_view();
}

SqliteTxn::SqliteTxn(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

SqliteTxn::~SqliteTxn() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTxn::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace mlops
