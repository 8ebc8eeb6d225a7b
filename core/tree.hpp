#pragma once
// Tree manifests: a tracked directory is a Merkle tree with one manifest
// object per directory level (DESIGN §3), stored in the object store like any
// object, so changing one file rewrites only the manifests on its path.
//
// Format, version 1 (UTF-8 text, one entry per line, LF line ends):
//
//   tree    = "mlops-tree 1" LF entry*
//   entry   = kind SP hash SP size SP files SP name LF
//   kind    = "f"            ; regular file
//           | "x"            ; regular file with the executable bit
//           | "l"            ; symbolic link; the object is the link target text
//           | "d"            ; directory; the object is its tree manifest
//   hash    = 64 lowercase hex digits (SHA-256 of the object)
//   size    = decimal bytes (d: sum of the files below; l: target length)
//   files   = decimal count of regular files (f, x: 1; l: 0; d: below it)
//   name    = the entry's name: no "/", no LF, not "." or ".."
//
// Entries are sorted by name, bytewise, and names are unique, so equal
// directories have equal manifests and equal hashes. Empty directories are
// kept (a "d" entry whose tree has no entries).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"

namespace mlops {

enum class EntryKind : char { file = 'f', exec = 'x', link = 'l', dir = 'd' };

struct TreeEntry {
  EntryKind kind;
  Hash hash;
  uint64_t size = 0;
  uint64_t files = 0;
  std::string name;
};

struct Tree {
  std::vector<TreeEntry> entries;  // sorted by name
  uint64_t size() const;
  uint64_t files() const;
};

// Sorts entries; throws Error(usage) for a name the grammar forbids.
std::string serialize_tree(Tree& tree);
// `origin` names the object in errors; a malformed manifest is Error(integrity).
Tree parse_tree(std::string_view text, const std::string& origin);
void check_entry_name(const std::string& name, const std::string& where);

}  // namespace mlops
