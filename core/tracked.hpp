#pragma once
// Finding tracked paths: every `NAME.mlops` pointer file in the work tree
// stands for the tracked path NAME beside it.
#include <filesystem>
#include <string>
#include <vector>

#include "pointer_file.hpp"

namespace mlops {

struct Tracked {
  std::string path;  // repo-relative tracked path ("data/images")
  std::string pointer;  // repo-relative pointer file ("data/images.mlops"), or "mlops.lock"
  PointerOut out;

  // An out of a pipeline stage: `mlops repro` records it, not add/commit/rm/mv.
  bool stage_out() const;
};

// Every pointer file below `root`, and every stage out recorded in
// mlops.lock, sorted by path. Skips .git, .mlops and the tracked
// directories themselves (they hold data, not pointers).
std::vector<Tracked> find_tracked(const std::filesystem::path& root);

// The tracked entries that `args` (paths as the user typed them, relative to
// `cwd`) name: a tracked path, its pointer file, or a directory holding
// pointer files. No args: all. An arg that names nothing tracked is an
// Error(usage) naming it.
std::vector<Tracked> select_tracked(const std::filesystem::path& root, const std::filesystem::path& cwd,
                                    const std::vector<std::string>& args);

// `arg` (relative to `cwd`) as a repo-relative path; Error(usage) when it is
// outside the repository or the repository itself.
std::string repo_relative(const std::filesystem::path& root, const std::filesystem::path& cwd, const std::string& arg);

}  // namespace mlops
