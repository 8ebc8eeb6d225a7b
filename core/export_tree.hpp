#pragma once
// Writing a stored version of a file or directory to a path outside the
// tracked workspace (`mlops model get`): no pointer file, no state index,
// no .gitignore. The result is built beside `dst` under a temporary name and
// renamed into place once complete, so `dst` is either untouched or the
// whole version; a failure or Ctrl-C leaves at most a `.NAME.mlops-tmp.*`
// directory, which the next export to that place does not depend on.
//
// Files are reflinked or copied, never hard- or symlinked into the cache:
// the exported copy leaves the repository, and editing it must not be able
// to corrupt the cache.
#include <filesystem>
#include <string>
#include <vector>

#include "digest.hpp"
#include "tree_diff.hpp"

namespace mlops {

class ObjectStore;

struct ExportEntry {
  std::string rel;  // "" for the root; "a/b.bin" below it
  EntryKind kind;
  Hash hash;
  uint64_t size = 0;
};

// Every entry of `root`, parents before children. Objects the store lacks
// are appended to `missing` (what lies below a missing manifest is unknown
// until it is fetched).
std::vector<ExportEntry> list_entries(const ObjectStore& store, const TreeRef& root, std::vector<Hash>& missing);

struct ExportStats {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Creates `dst` with the content of `root`. An existing `dst` is an
// Error(usage) unless `replace`, and is then swapped out only after the new
// content is complete. Error(failure) naming the object when the store
// lacks one (see list_entries to fetch first).
ExportStats export_tree(const ObjectStore& store, const TreeRef& root, const std::filesystem::path& dst, bool replace,
                        int jobs);

}  // namespace mlops
