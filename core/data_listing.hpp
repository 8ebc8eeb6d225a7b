#pragma once
// What `mlops ls` lists: tracked paths and the entries of tracked
// directories (read from their tree manifests in the cache), each with its
// hash and size and whether it is present in the workspace and in the cache.
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "tracked.hpp"
#include "tree.hpp"

namespace mlops {

class ObjectStore;

struct ListedEntry {
  std::string path;  // repo-relative
  EntryKind kind;
  Hash hash;
  uint64_t size = 0;
  uint64_t files = 0;
  bool tracked = false;       // a tracked path itself (it has a pointer file)
  bool in_workspace = false;  // something exists at the path (content not compared)
  bool in_cache = false;      // the object; for a directory, everything below it too
};

struct Listing {
  std::vector<ListedEntry> entries;  // sorted by path
  // Tracked directories whose entries could not be listed: a tree manifest
  // is not in the cache.
  std::vector<std::string> unlisted;
};

class DataLister {
 public:
  DataLister(std::filesystem::path repo_root, const ObjectStore& store) : root_(std::move(repo_root)), store_(store) {}

  // `tracked`: the version to list (sorted by path). `path` (repo-relative,
  // "" for everything) selects:
  //   ""                         the tracked paths
  //   a tracked file             that file
  //   a directory in a tracked   its entries
  //   directory (or the tracked
  //   directory itself)
  //   a file in a tracked dir    that file
  //   a directory holding        the tracked paths below it
  //   tracked paths
  // `recursive` also lists every file below the directories selected.
  // Error(usage) naming `path` when it selects nothing.
  Listing list(const std::vector<Tracked>& tracked, const std::string& path, bool recursive);

 private:
  std::optional<Tree> load(const Hash& hash);
  bool complete(const Hash& tree);
  ListedEntry entry(const std::string& path, const TreeEntry& e);
  ListedEntry tracked_entry(const Tracked& t);
  void list_dir(const std::string& path, const Hash& tree, bool recursive, Listing& out);

  std::filesystem::path root_;
  const ObjectStore& store_;
  std::unordered_map<Hash, bool, HashHasher> complete_;
};

}  // namespace mlops
