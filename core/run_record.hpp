#pragma once
// A run (DESIGN §6): what one `mlops repro` or `mlops exp run` did, stored
// as a small JSON object in the object store (run_store.hpp), so push and
// pull carry it with the data. Written once, when the run ends; never
// changed. Grammar (JSON; one object on one line):
//
//   {"schema": "mlops-run 1",
//    "id": ID,                         # 16 hex: 11 of milliseconds since the
//                                      # epoch, 5 random; sorts by start time
//    "name": STRING,                   # "" when unnamed
//    "kind": "repro" | "exp",
//    "status": "ok" | "failed",
//    "started": TIME, "ended": TIME,   # "2024-05-01T12:00:00.123Z" (UTC)
//    "seconds": NUMBER,
//    "git": {"commit": HEX40 | "", "branch": NAME | "", "dirty": BOOL},
//    "host": STRING, "user": STRING,
//    "executor": STRING,               # of the stages that ran, ","-joined
//    "targets": [STAGE, ...],          # as asked; [] = every stage
//    "overrides": VALUES,              # exp run -S, as applied
//    "params": VALUES,                 # every param the selected stages use
//    "metrics": VALUES,                # the metric outs after the run
//    "stages": [{"name": STAGE, "outcome": OUTCOME, "exit_code": N, "signal": N,
//                "seconds": NUMBER, "started": TIME | "", "executor": NAME,
//                "error": STRING,
//                "lock": LOCK | null}, ...]}    # absent in index summaries
//
//   VALUES  := {FILE: {KEY: SCALAR, ...}, ...}   # KEY dotted ("train.lr",
//                                                # "layers.0"), leaves only
//   OUTCOME := "up-to-date" | "ran" | "restored" | "failed" | "skipped"
//   LOCK    := {"cmd": [STRING, ...], "deps": [OUT, ...],
//               "params": {FILE: {KEY: VALUE}}, "outs": [OUT, ...]}
//              # the stage's mlops.lock entry after the run (pipeline_lock.hpp);
//              # null when the stage did not finish
//   OUT     := {"path", "hash", "kind", "size", "files"} (out_entry_json.hpp)
//
// Readers ignore unknown keys; another schema is Error(integrity).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "flat_values.hpp"
#include "pipeline_lock.hpp"

namespace mlops {

struct RunStage {
  std::string name;
  std::string outcome;
  int exit_code = 0;
  int signal = 0;
  double seconds = 0;
  std::string started;
  std::string executor;
  std::string error;
  std::optional<StageLock> lock;
};

struct RunRecord {
  std::string id;
  std::string name;
  std::string kind = "repro";
  std::string status = "ok";
  std::string started;
  std::string ended;
  double seconds = 0;
  std::string commit;
  std::string branch;
  bool dirty = false;
  std::string host;
  std::string user;
  std::string executor;
  std::vector<std::string> targets;
  FileValues overrides;
  FileValues params;
  FileValues metrics;
  std::vector<RunStage> stages;

  // The outs every finished stage recorded, in stage order.
  std::vector<PointerOut> outs() const;
};

nlohmann::json run_record_json(const RunRecord& run);  // the grammar above
std::string format_run_record(const RunRecord& run);  // its one-line dump
// Error(integrity) naming `origin` when malformed.
RunRecord parse_run_record(const std::string& text, const std::string& origin);

// A fresh run id: time-ordered, unique in practice (20 random bits per ms).
std::string new_run_id(double epoch_seconds);
bool valid_run_id(const std::string& id);

// VALUES as JSON ({file: {key: value}}), shared by the record and the index.
nlohmann::json file_values_json(const FileValues& values);
FileValues parse_file_values(const nlohmann::json& j);

}  // namespace mlops
