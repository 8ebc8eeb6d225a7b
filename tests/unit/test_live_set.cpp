#include <catch2/catch.hpp>

#include "core/live_set.hpp"
#include "core/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

namespace {
TreeEntry file(const std::string& name, const std::string& content) {
  return {EntryKind::file, hash_bytes(content), content.size(), 1, name};
}
Hash put_tree(ObjectStore& s, Tree t) { return s.put_bytes(serialize_tree(t)); }
}  // namespace

TEST_CASE("everything below a tree manifest is live; missing manifests are counted", "[live_set]") {
  TempDir d;
  ObjectStore store(d / "cache");
  Hash sub = put_tree(store, Tree{{file("x", "1")}});
  Hash root = put_tree(store, Tree{{{EntryKind::dir, sub, 1, 1, "s"}, file("y", "2")}});
  Tree absent{{file("z", "3")}};
  Hash missing = hash_bytes(serialize_tree(absent));
  store.flush();

  LiveSet live(store);
  live.add(TreeRef{EntryKind::dir, root, 2});
  CHECK(live.contains(root));
  CHECK(live.contains(sub));
  CHECK(live.contains(hash_bytes("1")));
  CHECK(live.contains(hash_bytes("2")));
  CHECK(live.size() == 4);
  live.add(TreeRef{EntryKind::dir, missing, 1});
  CHECK(live.missing_trees() == 1);
  CHECK_FALSE(live.contains(hash_bytes("3")));
  live.add(TreeRef{EntryKind::file, hash_bytes("4"), 1});
  CHECK(live.contains(hash_bytes("4")));

  ScanResult scan;
  scan.kind = EntryKind::dir;
  scan.hash = missing;
  scan.trees.emplace(missing, absent);
  LiveSet from_scan(store);
  from_scan.add(scan);
  from_scan.add(TreeRef{EntryKind::dir, missing, 1});  // known from the scan: not missing
  CHECK(from_scan.contains(hash_bytes("3")));
  CHECK(from_scan.missing_trees() == 0);
}

TEST_CASE("manifests the store lacks are read from the fallback source", "[live_set]") {
  TempDir d;
  ObjectStore store(d / "cache");
  Tree remote_only{{file("r", "remote bytes")}};
  std::string bytes = serialize_tree(remote_only);
  Hash h = hash_bytes(bytes);
  int asked = 0;
  LiveSet live(store, [&](const Hash& want) -> std::optional<std::string> {
    ++asked;
    if (want == h) return bytes;
    return std::nullopt;
  });
  live.add(TreeRef{EntryKind::dir, h, 1});
  CHECK(live.contains(hash_bytes("remote bytes")));
  CHECK(live.missing_trees() == 0);
  live.add(TreeRef{EntryKind::dir, hash_bytes("nowhere"), 1});
  CHECK(live.missing_trees() == 1);
  CHECK(asked == 2);
}
