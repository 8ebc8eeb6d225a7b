#pragma once
// The libgit2 handles mlops needs, with RAII. libgit2 is initialised once per
// process on first use.
#include <filesystem>
#include <optional>

namespace mlops {

// The work tree of the git repository containing `start`, if any.
std::optional<std::filesystem::path> git_workdir(const std::filesystem::path& start);

}  // namespace mlops
