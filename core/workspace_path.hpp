#pragma once
// The one rule for a repository-relative path that mlops did not compute
// itself: paths read from pointer files, mlops.lock, mlops.yaml outs and
// deps, run-cache entries and run records, and paths given to `mlops add`.
// Every reader of those formats calls check_workspace_path() before the
// path is used for anything, so a crafted file cannot name a place outside
// the repository or inside its machinery (docs/security.md, Confinement).
//
// A safe path is non-empty, relative, '/'-separated, and each component is
// non-empty, not "." or "..", not ".git" or ".mlops" (in any letter case:
// case-insensitive filesystems exist) and free of control characters
// (bytes below 0x20, and 0x7f): the YAML and line-based formats that carry
// these paths cannot round-trip a newline, a CR or a NUL, and a path cut at
// one names a different file.
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"

namespace mlops {

// Why one name is not safe to create or walk through: empty, ".", "..",
// holding a '/', ".git" or ".mlops"; nullopt when safe. Control characters
// are the formats' limit, not the filesystem's: tree manifests carry them,
// so the confined writer (confined_dirs.hpp) checks names with this alone.
std::optional<std::string> unsafe_component(std::string_view name);
// Why `path` is not safe, or nullopt.
std::optional<std::string> unsafe_workspace_path(std::string_view path);
// Throws Error(code, "<where>: unsafe path '<path>': <why>") when unsafe.
// Control characters in the path are shown escaped (\n, \r, \x00).
void check_workspace_path(std::string_view path, const std::string& where, Errc code);
// `s` with control characters escaped, for messages.
std::string shown_path(std::string_view s);

}  // namespace mlops
