#pragma once
// Is a stage up to date? Like ninja's dirty check, and as cheap: deps and
// outs are hashed through the state index (stat-only when unchanged), params
// are read once per file, and every difference from the stage's entry in
// mlops.lock is kept as a reason that `status --explain` and `repro
// --dry-run` print.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline_lock.hpp"
#include "pipeline_spec.hpp"

namespace mlops {

class StateIndex;

struct StageReason {
  std::string kind;  // never-run, cmd, dep, param, out, always-changed, upstream, forced
  std::string path;  // the dep/out/param concerned, or the upstream stage
  std::string text;  // a sentence for people: "dep 'data/raw' modified"
};

// What a stage would record in the lock if it ran now (outs come later).
struct StageSnapshot {
  std::vector<std::string> cmd;
  std::vector<PointerOut> deps;
  std::vector<std::string> missing_deps;  // neither in the workspace nor recorded
  ParamValues params;
};

class StageInspector {
 public:
  // With `allow_missing`, a dep or out absent from the workspace counts as
  // its recorded hash (from the lock, or a pointer file), so a fresh clone
  // can tell whether the pipeline is up to date without pulling data.
  StageInspector(std::filesystem::path root, StateIndex& state, const PipelineLock& lock, bool allow_missing);

  StageSnapshot snapshot(const Stage& stage);
  // The values of the params the stage uses, read from its params files.
  ParamValues params(const Stage& stage);
  std::vector<StageReason> reasons(const Stage& stage, const StageSnapshot& now);
  // The current content of repo-relative `rel`, or nullopt when absent.
  std::optional<PointerOut> hash_path(const std::string& rel);
  // Forget cached params files (after a stage may have written one).
  void reload_params() { params_.clear(); }

 private:
  const nlohmann::json& params_file(const std::string& file);
  std::optional<PointerOut> recorded(const std::string& rel) const;

  std::filesystem::path root_;
  StateIndex& state_;
  const PipelineLock& lock_;
  bool allow_missing_;
  std::map<std::string, nlohmann::json> params_;
};

// The run-cache key of a stage about to run: hash(cmd, deps, params, out paths).
std::string run_cache_key(const Stage& stage, const StageSnapshot& now);

}  // namespace mlops
