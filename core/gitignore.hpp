#pragma once
// Keeping tracked paths out of git: each tracked path gets a `/NAME` line in
// the .gitignore of its directory (DESIGN §4).
#include <filesystem>
#include <string>

namespace mlops {

// Adds the entry if absent; returns true when the file changed.
bool gitignore_add(const std::filesystem::path& dir, const std::string& name);
// Removes the entry if present; returns true when the file changed.
bool gitignore_remove(const std::filesystem::path& dir, const std::string& name);
// The line for `name`: anchored, with gitignore's special characters escaped.
std::string gitignore_entry(const std::string& name);

}  // namespace mlops
