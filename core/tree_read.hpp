#pragma once
// Reading a tree manifest from the store during a walk that expands a tracked
// directory into its files (checkout, ls -R, export, bundle, status, diff).
//
// Trees are content-addressed, so one child manifest may be named by any
// number of entries: a crafted tree whose every level names the same child
// twice stands for 2^40 files in a few KB of manifests. Walks therefore read
// trees through read_tree(), which
//   - checks for an interrupt first, so SIGINT and SIGTERM stop every walk at
//     the next directory;
//   - refuses, with Error(integrity), a tree one of whose directory entries
//     declares another size or file count than its child manifest (in the
//     store) adds up to.
// Every tree a walk reads is then exactly what its parent declared, so a walk
// from a root visits no more files than the root's entries declare, and
// parse_tree() refuses a manifest that declares more than 2^32 files.
#include <string>

#include "digest.hpp"
#include "tree.hpp"

namespace mlops {

class ObjectStore;

// The manifest `hash` (which must be in `store`), its children checked as
// above; errors name `path`, the directory's place in the workspace, when given.
Tree read_tree(const ObjectStore& store, const Hash& hash, const std::string& path = "");

}  // namespace mlops
