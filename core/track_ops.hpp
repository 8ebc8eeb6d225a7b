#pragma once
// Stopping and moving tracking (`mlops rm`, `mlops mv`): the pointer file and
// the .gitignore entry follow the data; the cache is not touched (gc does that).
#include <filesystem>
#include <string>

#include "tracked.hpp"

namespace mlops {

struct UntrackResult {
  bool data_removed = false;
  bool gitignore_changed = false;
};
// Removes the pointer file and the .gitignore entry; with `remove_data` also
// the workspace copy (refused by the caller unless its content is cached).
UntrackResult untrack(const std::filesystem::path& root, const Tracked& t, bool remove_data);

struct MoveResult {
  std::string new_path;     // repo-relative
  std::string new_pointer;  // repo-relative
};
// Moves the workspace data (if present) and re-points: writes the new
// pointer before removing the old one, so a crash leaves both, never neither.
// `dst` is repo-relative; an existing directory receives the path inside it.
MoveResult move_tracked(const std::filesystem::path& root, const Tracked& t, const std::string& dst);

}  // namespace mlops
