#include "live_set.hpp"

#include <vector>

#include "object_store.hpp"

namespace mlops {

void LiveSet::add(const TreeRef& root) {
  live_.insert(root.hash);
  if (root.kind != EntryKind::dir) return;
  std::vector<Hash> todo{root.hash};
  while (!todo.empty()) {
    Hash h = todo.back();
    todo.pop_back();
    if (!walked_.insert(h).second) continue;
    std::optional<std::string> bytes;
    if (store_.contains(h)) bytes = store_.get_bytes(h);
    else if (fallback_) bytes = fallback_(h);
    if (!bytes) {
      missing_.insert(h);
      continue;
    }
    // A corrupt manifest throws (integrity): gc must not guess what it kept.
    Tree tree = parse_tree(*bytes, h.str());
    for (const auto& e : tree.entries) {
      live_.insert(e.hash);
      if (e.kind == EntryKind::dir) todo.push_back(e.hash);
    }
  }
}

void LiveSet::add(const ScanResult& scan) {
  live_.insert(scan.hash);
  for (const auto& [hash, tree] : scan.trees) {
    live_.insert(hash);
    walked_.insert(hash);  // its entries are added right here
    for (const auto& e : tree.entries) live_.insert(e.hash);
  }
}

}  // namespace mlops
