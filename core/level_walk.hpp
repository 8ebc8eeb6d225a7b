#pragma once
// The objects reachable from some roots, walked a level of the trees at a
// time, as transfers need it: a directory's manifest must be in the cache
// before its entries are known, so a fetch gets a whole level, then reads the
// manifests it brought.
//
// Each object is visited once in the whole walk, however often the trees name
// it. A level lists its objects in the order of their directories, so
// siblings stay together (a push packs them side by side). The walk holds the
// current level, 33 bytes an object, and the sorted hashes of the levels above
// it: no hash set of everything reached, so a tree of 200,000 files costs
// about 7 MB at its widest level.
#include <functional>
#include <vector>

#include "digest.hpp"
#include "tree_diff.hpp"

namespace mlops {

class ObjectStore;

struct LevelObject {
  Hash hash;
  bool dir;  // the object is a tree manifest
};

// Calls `visit` with each level's objects not visited before. After it
// returns, the manifests of the level's directories that `store` then holds
// give the next level; a directory whose manifest it lacks is not descended
// into (the visitor saw it, and reports it if it must).
void walk_levels(const ObjectStore& store, const std::vector<TreeRef>& roots,
                 const std::function<void(const std::vector<LevelObject>&)>& visit);

}  // namespace mlops
