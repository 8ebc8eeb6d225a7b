#pragma once
// Thin RAII over SQLite: one connection, prepared statements, transactions.
// Errors become mlops::Error naming the database file.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mlops {

class SqliteDb {
 public:
  explicit SqliteDb(const std::filesystem::path& file);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const char* sql);
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& file() const { return file_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

class SqliteStmt {
 public:
  SqliteStmt(SqliteDb& db, const char* sql);
  ~SqliteStmt();
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  SqliteStmt& bind(int i, int64_t v);
  SqliteStmt& bind(int i, std::string_view text);
  SqliteStmt& bind_blob(int i, const void* data, size_t size);
  bool step();  // true: a row is ready
  void reset();
  int64_t column_int(int i) const;
  std::string_view column_text(int i) const;
  std::string_view column_blob(int i) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before commit().
class SqliteTxn {
 public:
  explicit SqliteTxn(SqliteDb& db);
  ~SqliteTxn();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace mlops
