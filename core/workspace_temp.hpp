#pragma once
// The one naming rule for the temporary files mlops creates in the workspace
// (checkout, pull, export): `.NAME.mlops-tmp.SUFFIX`, beside the file NAME
// that they become, where SUFFIX is 1 to 16 letters or digits (mkstemp's six
// random ones, or a fixed word for a replacement being built).
//
// A `kill -9` can leave such a file behind. Because the rule is exact, the
// workspace scan skips these names (add, commit and status never hash one
// into a dataset) and checkout and pull remove them inside the paths they
// bring up to date. A user file that happens to match the rule is treated the
// same way; the rule is long and specific enough that this does not happen by
// accident.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

// The temp name for `name` with `suffix` ("XXXXXX" gives a mkstemp pattern).
std::string workspace_temp_name(std::string_view name, std::string_view suffix = "XXXXXX");

// Whether a file name (no directory part) follows the rule.
bool is_workspace_temp_name(std::string_view name);

// Whether `name` is a temp of the file called `of`.
bool is_workspace_temp_of(std::string_view name, std::string_view of);

// Removes the temps of the file or directory `path` that lie beside it (its
// own leftovers when it is a tracked file). Returns how many went; a temp that
// cannot be removed is an Error naming it.
size_t remove_workspace_temps_beside(const std::filesystem::path& path);

// Removes the listed temps (paths found by a workspace scan) below `root`.
size_t remove_workspace_temps(const std::filesystem::path& root, const std::vector<std::string>& rel_paths);

}  // namespace mlops
