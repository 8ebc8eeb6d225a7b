#pragma once
// The libgit2 handles mlops needs, with RAII. libgit2 is initialised once per
// process on first use.
#include <filesystem>
#include <optional>
#include <string>

namespace mlops {

// The work tree of the git repository containing `start`, if any.
std::optional<std::filesystem::path> git_workdir(const std::filesystem::path& start);
// True when git's index has `path` (relative to the work tree) or anything
// below it: such a path belongs to git and must not be tracked by mlops too.
bool git_tracks(const std::filesystem::path& workdir, const std::string& path);

}  // namespace mlops
