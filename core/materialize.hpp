#pragma once
// Creating workspace files from cached objects (DESIGN §3, link types).
// A workspace file appears complete or not at all: content goes to a temp
// file beside `dst` and is renamed into place without replacing anything.
// Workspace files are not fsynced: the cache holds the durable copy, and a
// crash mid-checkout at worst leaves a temp file (workspace_temp.hpp) behind.
// `dst` is a FileAt: checkout names it relative to a directory that
// ConfinedDirs opened, and nothing here resolves a path through a symlink.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "confined_dirs.hpp"

namespace mlops {

// The mode a new file gets, as open(2) would give it: 0666, or 0777 for an
// executable, less the process umask.
mode_t new_file_mode(bool executable);

// Creates `dst` with `data` and `mode`. Throws Error naming `dst` when it
// already exists or cannot be written.
void write_new_file(const FileAt& dst, std::string_view data, mode_t mode);

// Creates `dst` from the cache file `src` by `type` (reflink | hardlink |
// symlink | copy). Returns false with the reason in `why` when that type does
// not work here (other filesystem, no reflink support, executable `mode` for a
// shared inode), so the caller can try the next type. Throws Error(usage) for
// an unknown type and Error(failure) when `dst` exists or on I/O errors.
bool place_file(const std::string& type, const std::filesystem::path& src, const FileAt& dst, mode_t mode,
                std::string& why);

}  // namespace mlops
