#include <catch2/catch.hpp>

#include "core/level_walk.hpp"
#include "core/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

namespace {
TreeEntry file(const std::string& name, const std::string& content) {
  return {EntryKind::file, hash_bytes(content), content.size(), 1, name};
}
TreeEntry dir(const std::string& name, const Hash& h) { return {EntryKind::dir, h, 0, 0, name}; }

std::vector<std::vector<Hash>> walk(const ObjectStore& store, const std::vector<TreeRef>& roots) {
  std::vector<std::vector<Hash>> levels;
  walk_levels(store, roots, [&](const std::vector<LevelObject>& level) {
    levels.emplace_back();
    for (const auto& o : level) levels.back().push_back(o.hash);
  });
  return levels;
}
}  // namespace

TEST_CASE("a level walk visits each object once and keeps siblings in manifest order", "[level_walk]") {
  TempDir d;
  ObjectStore store(d / "cache");
  // Two equal subdirectories (one manifest), a file under both and at the top.
  Tree shared{{file("a", "same"), file("b", "b"), file("c", "c")}};
  Hash sub = store.put_bytes(serialize_tree(shared));
  Tree top{{dir("s1", sub), dir("s2", sub), file("t", "same"), file("u", "u")}};
  Hash root = store.put_bytes(serialize_tree(top));
  store.flush();

  auto levels = walk(store, {{EntryKind::dir, root, 0}, {EntryKind::file, hash_bytes("u"), 1}});
  REQUIRE(levels.size() == 3);
  CHECK(levels[0] == std::vector<Hash>{root, hash_bytes("u")});
  CHECK(levels[1] == std::vector<Hash>{sub, hash_bytes("same")});  // "u" was a root already
  CHECK(levels[2] == std::vector<Hash>{hash_bytes("b"), hash_bytes("c")});
}

TEST_CASE("a level walk descends into manifests the visitor brings and skips absent ones", "[level_walk]") {
  TempDir d;
  Tree inner{{file("x", "x"), file("y", "y")}};
  std::string inner_bytes = serialize_tree(inner);
  Hash inner_hash = hash_bytes(inner_bytes);
  Tree outer{{dir("in", inner_hash), file("z", "z")}};
  std::string outer_bytes = serialize_tree(outer);
  Hash outer_hash = hash_bytes(outer_bytes);

  ObjectStore cache(d / "cache");
  SECTION("a manifest that arrives during its level is walked") {
    size_t visits = 0;
    walk_levels(cache, {{EntryKind::dir, outer_hash, 0}}, [&](const std::vector<LevelObject>& level) {
      ++visits;
      for (const auto& o : level) {
        if (o.hash == outer_hash) cache.put_bytes(outer_bytes);
        if (o.hash == inner_hash) cache.put_bytes(inner_bytes);
        CHECK(o.dir == (o.hash == outer_hash || o.hash == inner_hash));
      }
      cache.flush();
    });
    CHECK(visits == 3);
  }
  SECTION("a manifest still missing after its level ends that branch") {
    cache.put_bytes(outer_bytes);
    cache.flush();
    auto levels = walk(cache, {{EntryKind::dir, outer_hash, 0}});
    REQUIRE(levels.size() == 2);
    CHECK(levels[1] == std::vector<Hash>{inner_hash, hash_bytes("z")});
  }
}
