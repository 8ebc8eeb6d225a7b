#pragma once
// The objects `gc` keeps: everything reachable from a set of roots. A root is
// a file object, or a tree manifest together with every manifest and file
// object below it (read from the store). A manifest the store lacks cannot be
// walked; it is counted in missing_trees() and whatever lies below it is not
// kept through it.
#include <cstdint>
#include <unordered_set>

#include "digest.hpp"
#include "tree_diff.hpp"
#include "workspace_scan.hpp"

namespace mlops {

class ObjectStore;

class LiveSet {
 public:
  explicit LiveSet(const ObjectStore& store) : store_(store) {}
  void add(const TreeRef& root);
  // A scanned workspace path: its root, every manifest and every entry.
  void add(const ScanResult& scan);
  bool contains(const Hash& hash) const { return live_.count(hash) != 0; }
  uint64_t size() const { return live_.size(); }
  uint64_t missing_trees() const { return missing_.size(); }

 private:
  const ObjectStore& store_;
  std::unordered_set<Hash, HashHasher> live_;
  std::unordered_set<Hash, HashHasher> walked_;
  std::unordered_set<Hash, HashHasher> missing_;
};

}  // namespace mlops
