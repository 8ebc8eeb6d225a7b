#pragma once
// Settings that put secrets or cached data at risk, found without changing
// anything; the CLI shows them as warnings (`mlops doctor`, `config`, `add`).
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"

namespace mlops {

// Config files that hold passwords or tokens and that group or others can
// read: the local file whatever it holds (it is where secrets go), the global
// file when it sets a secret key. One message per file, naming it and the fix.
std::vector<std::string> exposed_secret_files(const ConfigFiles& files);

// With hardlink or symlink among `link_types` a workspace file shares its
// inode with the cache object; the object is read-only, but root ignores that,
// so a root process writing to the workspace file corrupts the cache. The
// warning for a process running as root, or nothing.
std::optional<std::string> root_link_type_warning(const std::vector<std::string>& link_types);

}  // namespace mlops
