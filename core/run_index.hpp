#pragma once
// The query side of runs: a SQLite table in `.mlops/tmp/runs.sqlite`, one
// row per run, holding the run's summary (its record without the stages),
// so `exp show` over 10,000 runs reads one table and parses no objects. It
// is a cache: the run refs and objects (run_store.hpp) are the truth, and
// the index can be dropped and rebuilt from them at any time.
//
//   runs(id TEXT PRIMARY KEY, object TEXT, name TEXT, summary TEXT)
//   PRAGMA user_version = 1   # another version: the table is rebuilt
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "run_record.hpp"

namespace mlops {

class SqliteDb;

class RunIndex {
 public:
  explicit RunIndex(const std::filesystem::path& db_file);
  ~RunIndex();
  RunIndex(const RunIndex&) = delete;
  RunIndex& operator=(const RunIndex&) = delete;

  // id -> object hash ("sha256:…") of every indexed run.
  std::map<std::string, std::string> objects();
  // Applies the changes in one transaction.
  void update(const std::vector<std::pair<RunRecord, std::string>>& add, const std::vector<std::string>& drop);
  void clear();
  // Summaries (records without stages), newest first.
  std::vector<RunRecord> summaries();
  // Ids of runs named `name`, newest first.
  std::vector<std::string> named(const std::string& name);

 private:
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace mlops
