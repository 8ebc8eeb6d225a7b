#pragma once
// Where runs live (DESIGN §6). A run record (run_record.hpp) is an object in
// the object store; a ref names it, one small file per run beside the
// objects, so push and pull can share runs under the same key and a cache
// shared by clones shares them too:
//
//   <cache>/run-refs/<ID>     "sha256:<64 hex>\n", the record's object
//                             (on a remote: the key "run-refs/<ID>")
//
// Refs are written once, atomically, after their object is durable;
// removing a run removes its ref (the object goes with the next gc). The
// SQLite index (run_index.hpp) is brought in line with the refs whenever a
// RunStore opens, so runs pulled, removed or written by another process show
// up, and a lost index is rebuilt.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "digest.hpp"
#include "run_index.hpp"
#include "run_record.hpp"

namespace mlops {

class ObjectStore;

class RunStore {
 public:
  RunStore(ObjectStore& store, const std::filesystem::path& tmp_dir);

  // Stores the record and its ref, and indexes it; returns the object's hash.
  Hash save(const RunRecord& run);
  // Summaries of every run (records without stages), newest first.
  std::vector<RunRecord> list() { return index_.summaries(); }
  // The whole record, read from the object store.
  RunRecord load(const std::string& id) const;
  // A run named by its id, a unique prefix of it, or its name (the newest
  // run of that name). Error(usage) naming `ref` when none or several match.
  std::string resolve(const std::string& ref);
  bool has_name(const std::string& name) { return !index_.named(name).empty(); }
  void remove(const std::string& id);
  // Drops the index and rebuilds it from the refs; returns the runs indexed.
  size_t reindex();
  // Runs whose ref or object could not be read at the last sync, as messages.
  const std::vector<std::string>& problems() const { return problems_; }

  // --- for push and pull ---
  std::vector<std::string> ids() const;                // every ref, sorted
  std::optional<Hash> object_of(const std::string& id) const;
  // Records a ref whose object is already in the store, and indexes it.
  void add_ref(const std::string& id, const Hash& object);
  static std::string ref_key(const std::string& id) { return "run-refs/" + id; }
  // The ref file's content, and its parser (Error(integrity) naming `origin`).
  static std::string format_ref(const Hash& object) { return object.str() + "\n"; }
  static Hash parse_ref(const std::string& text, const std::string& origin);

 private:
  void sync();
  std::filesystem::path ref_file(const std::string& id) const { return refs_ / id; }

  ObjectStore& store_;
  std::filesystem::path refs_;
  RunIndex index_;
  std::vector<std::string> problems_;
};

}  // namespace mlops
