#include "level_walk.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "object_store.hpp"
#include "tree.hpp"

namespace mlops {

static_assert(sizeof(LevelObject) == 33, "level_walk.hpp states 33 bytes an object");

namespace {

// Drops from `level` the objects it lists more than once and those in `seen`
// (sorted), keeping the first mention of each in place. An object named both
// as a file and as a directory stays a directory, so its entries are walked.
void keep_new(std::vector<LevelObject>& level, const std::vector<Hash>& seen) {
  std::vector<uint32_t> order(level.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return level[a].hash != level[b].hash ? level[a].hash < level[b].hash : a < b;
  });
  std::vector<bool> keep(level.size(), false);
  for (size_t i = 0, j = 0; i < order.size(); i = j) {
    LevelObject& first = level[order[i]];
    bool dir = false;
    for (j = i; j < order.size() && level[order[j]].hash == first.hash; ++j) dir = dir || level[order[j]].dir;
    if (std::binary_search(seen.begin(), seen.end(), first.hash)) continue;
    first.dir = dir;
    keep[order[i]] = true;
  }
  size_t kept = 0;
  for (size_t i = 0; i < level.size(); ++i)
    if (keep[i]) level[kept++] = level[i];
  level.resize(kept);
}

// Adds the hashes of `level` (none of them in `seen` yet) to sorted `seen`.
void remember(std::vector<Hash>& seen, const std::vector<LevelObject>& level) {
  auto mid = static_cast<std::ptrdiff_t>(seen.size());
  seen.reserve(seen.size() + level.size());
  for (const auto& o : level) seen.push_back(o.hash);
  std::sort(seen.begin() + mid, seen.end());
  std::inplace_merge(seen.begin(), seen.begin() + mid, seen.end());
}

}  // namespace

void walk_levels(const ObjectStore& store, const std::vector<TreeRef>& roots,
                 const std::function<void(const std::vector<LevelObject>&)>& visit) {
  std::vector<Hash> seen;
  std::vector<LevelObject> level;
  level.reserve(roots.size());
  for (const auto& r : roots) level.push_back({r.hash, r.kind == EntryKind::dir});
  while (!level.empty()) {
    keep_new(level, seen);
    if (level.empty()) break;
    visit(level);
    std::vector<LevelObject> next;
    for (const auto& o : level) {
      if (!o.dir || !store.contains(o.hash)) continue;
      for (const auto& e : parse_tree(store.get_bytes(o.hash), o.hash.str()).entries)
        next.push_back({e.hash, e.kind == EntryKind::dir});
    }
    if (!next.empty()) remember(seen, level);
    level = std::move(next);
  }
}

}  // namespace mlops
