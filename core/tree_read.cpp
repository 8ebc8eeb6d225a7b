#include "tree_read.hpp"

#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"

namespace mlops {

Tree read_tree(const ObjectStore& store, const Hash& hash, const std::string& path) {
  check_interrupted();
  std::string origin = hash.str() + (path.empty() ? "" : " (" + path + ")");
  Tree tree = parse_tree(store.get_bytes(hash), origin);
  for (const auto& e : tree.entries) {
    if (e.kind != EntryKind::dir || !store.contains(e.hash)) continue;
    Tree child = parse_tree(store.get_bytes(e.hash), e.hash.str());
    if (child.files() != e.files || child.size() != e.size)
      throw Error(Errc::integrity, "tree manifest " + origin + ": entry '" + e.name + "' declares " +
                                       std::to_string(e.files) + " files of " + std::to_string(e.size) +
                                       " bytes, but its tree " + e.hash.str() + " holds " +
                                       std::to_string(child.files()) + " files of " + std::to_string(child.size()) +
                                       " bytes");
  }
  return tree;
}

}  // namespace mlops
