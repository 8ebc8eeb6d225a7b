#pragma once
// File-level differences between two versions of a tracked path, each a file
// hash or a tree manifest hash. Equal subtrees are skipped by hash without
// being read, so the cost follows the size of the change, not of the tree.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "digest.hpp"
#include "pointer_file.hpp"
#include "tree.hpp"

namespace mlops {

struct FileChange {
  enum class Type { added, deleted, modified, renamed };
  Type type;
  std::string path;      // new path (added, modified, renamed) or old path (deleted)
  std::string old_path;  // renamed only
  Hash old_hash, new_hash;
  uint64_t old_size = 0, new_size = 0;
  EntryKind old_kind = EntryKind::file, new_kind = EntryKind::file;
};

std::string_view change_name(FileChange::Type t);

// Returns the manifest for a tree hash, or nullopt when it is not available.
using TreeLoader = std::function<std::optional<Tree>(const Hash&)>;

struct TreeRef {
  EntryKind kind;  // dir: `hash` is a tree manifest; otherwise a file's object
  Hash hash;
  uint64_t size = 0;
};

// The tree (or file) a pointer-file entry records.
inline TreeRef tree_ref(const PointerOut& o) {
  return {o.kind == OutKind::dir ? EntryKind::dir : EntryKind::file, o.hash, o.size};
}

// Differences from `a` to `b` under `prefix` (the tracked path). Either side
// may be absent (nullopt): everything is then added or deleted. A deleted and
// an added file with equal content are reported as one rename. Throws
// Error(failure) naming the tree when a needed manifest is not available.
std::vector<FileChange> diff_trees(const TreeLoader& load, const std::optional<TreeRef>& a,
                                   const std::optional<TreeRef>& b, const std::string& prefix);

}  // namespace mlops
