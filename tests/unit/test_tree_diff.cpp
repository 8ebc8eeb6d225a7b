#include <catch2/catch.hpp>
#include <map>

#include "core/error.hpp"
#include "core/tree_diff.hpp"

using namespace mlops;

namespace {
// An in-memory store of manifests for the loader.
struct Trees {
  std::map<Hash, Tree> by_hash;
  Hash add(Tree t) {
    Hash h = hash_bytes(serialize_tree(t));
    by_hash[h] = t;
    return h;
  }
  TreeLoader loader() {
    return [this](const Hash& h) -> std::optional<Tree> {
      auto it = by_hash.find(h);
      if (it == by_hash.end()) return std::nullopt;
      return it->second;
    };
  }
};
TreeEntry file(const std::string& name, const std::string& content) {
  return {EntryKind::file, hash_bytes(content), content.size(), 1, name};
}
}  // namespace

TEST_CASE("file-level changes between two trees", "[tree_diff]") {
  Trees trees;
  Hash sub_a = trees.add(Tree{{file("x", "1"), file("y", "2")}});
  Hash sub_b = trees.add(Tree{{file("x", "1"), file("y", "22")}});
  Hash same = trees.add(Tree{{file("z", "3")}});
  Hash a = trees.add(Tree{{{EntryKind::dir, sub_a, 2, 2, "s"}, {EntryKind::dir, same, 1, 1, "u"}, file("gone", "g"),
                           file("old-name", "moved")}});
  Hash b = trees.add(Tree{{{EntryKind::dir, sub_b, 3, 2, "s"}, {EntryKind::dir, same, 1, 1, "u"}, file("new", "n"),
                           file("new-name", "moved")}});
  auto changes = diff_trees(trees.loader(), TreeRef{EntryKind::dir, a, 0}, TreeRef{EntryKind::dir, b, 0}, "data");
  std::map<std::string, std::string> got;
  for (const auto& c : changes) got[c.path] = std::string(change_name(c.type)) + (c.old_path.empty() ? "" : " " + c.old_path);
  CHECK(got == std::map<std::string, std::string>{{"data/s/y", "modified"},
                                                  {"data/gone", "deleted"},
                                                  {"data/new", "added"},
                                                  {"data/new-name", "renamed data/old-name"}});
}

TEST_CASE("equal subtrees are not read", "[tree_diff]") {
  Trees trees;
  Hash sub = trees.add(Tree{{file("x", "1")}});
  Hash a = trees.add(Tree{{{EntryKind::dir, sub, 1, 1, "s"}, file("f", "1")}});
  Hash b = trees.add(Tree{{{EntryKind::dir, sub, 1, 1, "s"}, file("f", "2")}});
  trees.by_hash.erase(sub);  // a loader that lacks it must not be asked
  auto changes = diff_trees(trees.loader(), TreeRef{EntryKind::dir, a, 0}, TreeRef{EntryKind::dir, b, 0}, "d");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path == "d/f");
}

TEST_CASE("absent sides and kind changes", "[tree_diff]") {
  Trees trees;
  Hash sub = trees.add(Tree{{file("x", "1"), file("y", "2")}});
  auto added = diff_trees(trees.loader(), std::nullopt, TreeRef{EntryKind::dir, sub, 0}, "d");
  CHECK(added.size() == 2);
  auto became_file =
      diff_trees(trees.loader(), TreeRef{EntryKind::dir, sub, 0}, TreeRef{EntryKind::file, hash_bytes("f"), 1}, "d");
  CHECK(became_file.size() == 3);  // two deleted, one added
  CHECK_THROWS_WITH(diff_trees(trees.loader(), TreeRef{EntryKind::dir, hash_bytes("nope"), 0}, std::nullopt, "d"),
                    Catch::Contains("not in the cache"));
}
