#pragma once
// `mlops.lock` (DESIGN §5): what each stage's last successful run used and
// produced, committed to git next to mlops.yaml. Grammar (YAML; stages,
// paths, params files and keys sorted, so diffs stay small):
//
//   # mlops.lock: ... (comment line)
//   schema: mlops-lock 1
//   stages:
//     NAME:
//       cmd: STRING | [STRING, ...]     # as run, after interpolation
//       deps: [OUT-ENTRY, ...]
//       params:
//         FILE:
//           KEY: VALUE                 # any YAML value; sections as mappings
//       outs: [OUT-ENTRY, ...]
//
// OUT-ENTRY is the pointer-file entry {path, hash, kind, size, files}
// (pointer_file.hpp) with paths relative to the repository root. Readers
// ignore unknown keys; a schema other than `mlops-lock 1` is an error.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pointer_file.hpp"

namespace mlops {

using ParamValues = std::map<std::string, std::map<std::string, nlohmann::json>>;  // file -> key -> value

struct StageLock {
  std::vector<std::string> cmd;
  std::vector<PointerOut> deps;
  ParamValues params;
  std::vector<PointerOut> outs;

  const PointerOut* dep(const std::string& path) const;
  const PointerOut* out(const std::string& path) const;
};

struct PipelineLock {
  std::map<std::string, StageLock> stages;
};

inline constexpr std::string_view kLockFile = "mlops.lock";

PipelineLock parse_lock(const std::string& text, const std::string& origin);
std::string format_lock(const PipelineLock& lock);
// `root/mlops.lock`, or an empty lock when there is none.
PipelineLock read_lock(const std::filesystem::path& root);
// Atomic; removes the file when the lock has no stages.
void write_lock(const std::filesystem::path& root, const PipelineLock& lock);

}  // namespace mlops
