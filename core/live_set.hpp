#pragma once
// The objects `gc` keeps: everything reachable from a set of roots. A root is
// a file object, or a tree manifest together with every manifest and file
// object below it (read from the store). A manifest the store lacks cannot be
// walked; it is counted in missing_trees() and whatever lies below it is not
// kept through it, unless a fallback source (gc --remote reads manifests the
// cache lacks from the remote) supplies its verified bytes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>

#include "digest.hpp"
#include "tree_diff.hpp"
#include "workspace_scan.hpp"

namespace mlops {

class ObjectStore;

class LiveSet {
 public:
  // A manifest's bytes, already re-hashed, or nullopt when unavailable.
  using TreeSource = std::function<std::optional<std::string>(const Hash&)>;
  explicit LiveSet(const ObjectStore& store, TreeSource fallback = {})
      : store_(store), fallback_(std::move(fallback)) {}
  void add(const TreeRef& root);
  // A scanned workspace path: its root, every manifest and every entry.
  void add(const ScanResult& scan);
  bool contains(const Hash& hash) const { return live_.count(hash) != 0; }
  uint64_t size() const { return live_.size(); }
  uint64_t missing_trees() const { return missing_.size(); }

 private:
  const ObjectStore& store_;
  TreeSource fallback_;
  std::unordered_set<Hash, HashHasher> live_;
  std::unordered_set<Hash, HashHasher> walked_;
  std::unordered_set<Hash, HashHasher> missing_;
};

}  // namespace mlops
