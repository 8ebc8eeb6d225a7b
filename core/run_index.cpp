#include "run_index.hpp"

#include "sqlite_db.hpp"

namespace fs = std::filesystem;

namespace mlops {

RunIndex::RunIndex(const fs::path& db_file) {
  fs::create_directories(db_file.parent_path());
  db_ = std::make_unique<SqliteDb>(db_file);
  db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  SqliteStmt version(*db_, "PRAGMA user_version");
  int64_t v = version.step() ? version.column_int(0) : 0;
  if (v != 1) db_->exec("DROP TABLE IF EXISTS runs; PRAGMA user_version = 1;");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS runs(id TEXT PRIMARY KEY, object TEXT NOT NULL, name TEXT NOT NULL,"
      " summary TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS runs_by_name ON runs(name);");
}

RunIndex::~RunIndex() = default;

std::map<std::string, std::string> RunIndex::objects() {
  std::map<std::string, std::string> out;
  SqliteStmt q(*db_, "SELECT id, object FROM runs");
  while (q.step()) out.emplace(q.column_text(0), q.column_text(1));
  return out;
}

void RunIndex::update(const std::vector<std::pair<RunRecord, std::string>>& add, const std::vector<std::string>& drop) {
  if (add.empty() && drop.empty()) return;
  SqliteTxn txn(*db_);
  SqliteStmt ins(*db_, "INSERT OR REPLACE INTO runs(id, object, name, summary) VALUES(?1, ?2, ?3, ?4)");
  for (const auto& [record, object] : add) {
    RunRecord summary = record;
    summary.stages.clear();
    ins.bind(1, record.id).bind(2, object).bind(3, record.name).bind(4, format_run_record(summary));
    ins.step();
    ins.reset();
  }
  SqliteStmt del(*db_, "DELETE FROM runs WHERE id = ?1");
  for (const auto& id : drop) {
    del.bind(1, id);
    del.step();
    del.reset();
  }
  txn.commit();
}

void RunIndex::clear() { db_->exec("DELETE FROM runs"); }

std::vector<RunRecord> RunIndex::summaries() {
  std::vector<RunRecord> out;
  SqliteStmt q(*db_, "SELECT id, summary FROM runs ORDER BY id DESC");
  while (q.step())
    out.push_back(parse_run_record(std::string(q.column_text(1)), db_->file().string() + ": run " +
                                                                      std::string(q.column_text(0))));
  return out;
}

std::vector<std::string> RunIndex::named(const std::string& name) {
  std::vector<std::string> out;
  SqliteStmt q(*db_, "SELECT id FROM runs WHERE name = ?1 ORDER BY id DESC");
  q.bind(1, name);
  while (q.step()) out.emplace_back(q.column_text(0));
  return out;
}

}  // namespace mlops
