#pragma once
// Data differences between two versions of a repository's tracked paths
// (`mlops diff`): which tracked paths appeared, disappeared or changed, and
// which files inside them were added, deleted, modified or renamed. A
// version is a list of tracked paths with their content (from a commit's
// pointer files, or from scanning the workspace); tree manifests come from
// one loader, so the caller decides where they are read from.
#include <optional>
#include <string>
#include <vector>

#include "tracked.hpp"
#include "tree_diff.hpp"

namespace mlops {

struct PathChange {
  enum class Status { added, deleted, modified };
  Status status;
  std::string path;  // the tracked path
  std::optional<PointerOut> old_out, new_out;
  std::vector<FileChange> files;  // sorted by path
  // Set when a tree manifest needed to list the files is not available: the
  // path is reported as changed but `files` is empty.
  std::optional<Hash> missing_tree;
};

std::string_view status_name(PathChange::Status s);

// True when `a` and `b` are the same path or one is below the other.
bool paths_overlap(const std::string& a, const std::string& b);

// Changes from `a` to `b` (each sorted by path), sorted by tracked path.
// With `targets` (repo-relative paths), only tracked paths that overlap a
// target count, and inside a tracked directory only the files below a
// target that lies within it.
std::vector<PathChange> diff_data(const std::vector<Tracked>& a, const std::vector<Tracked>& b,
                                  const TreeLoader& load, const std::vector<std::string>& targets = {});

}  // namespace mlops
