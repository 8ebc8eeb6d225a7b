#pragma once
// Experiments waiting to run (`exp run --queue`), run in order by `exp
// queue start`. One JSON file per experiment, named by a run-style id, so
// the directory lists in the order they were queued:
//
//   .mlops/tmp/exp-queue/<ID>.json
//   {"schema": "mlops-exp-queue 1", "id": ID, "name": STRING,
//    "overrides": ["[FILE:]KEY=VALUE", ...],   # as given to -S
//    "targets": [STAGE, ...], "queued": TIME}
//
// An experiment leaves the queue when it has run (its run records the
// outcome) or is removed.
#include <filesystem>
#include <string>
#include <vector>

namespace mlops {

struct QueuedExp {
  std::string id;
  std::string name;
  std::vector<std::string> overrides;
  std::vector<std::string> targets;
  std::string queued;
};

class ExpQueue {
 public:
  explicit ExpQueue(const std::filesystem::path& tmp_dir) : dir_(tmp_dir / "exp-queue") {}
  // Assigns the id and time; returns the stored entry.
  QueuedExp add(QueuedExp exp);
  // Oldest first. Error(failure) naming a file that cannot be read.
  std::vector<QueuedExp> list() const;
  // An entry by id, unique id prefix or name; Error(usage) otherwise.
  QueuedExp find(const std::string& ref) const;
  void remove(const std::string& id);

 private:
  std::filesystem::path dir_;
};

}  // namespace mlops
