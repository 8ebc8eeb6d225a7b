#include <catch2/catch.hpp>
#include <fstream>

#include "core/data_listing.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {
TreeEntry file(const std::string& name, const std::string& content) {
  return {EntryKind::file, hash_bytes(content), content.size(), 1, name};
}
std::vector<std::string> paths_of(const Listing& l) {
  std::vector<std::string> out;
  for (const auto& e : l.entries) out.push_back(e.path);
  return out;
}

// data/ (a tracked dir: s/x, y) and m.bin (a tracked file, not in the cache).
struct Fixture {
  TempDir d;
  ObjectStore store{d / "cache"};
  std::vector<Tracked> tracked;
  Fixture() {
    store.put_bytes("1");
    store.put_bytes("2");
    Tree sub{{file("x", "1")}};
    Hash s = store.put_bytes(serialize_tree(sub));
    Tree root{{{EntryKind::dir, s, 1, 1, "s"}, file("y", "2")}};
    Hash r = store.put_bytes(serialize_tree(root));
    store.flush();
    tracked = {{"data", "data.mlops", {"data", r, OutKind::dir, 2, 2}},
               {"m.bin", "m.bin.mlops", {"m.bin", hash_bytes("m"), OutKind::file, 1, 0}}};
    fs::create_directories(d / "repo/data/s");
    std::ofstream(d / "repo/data/y") << "2";
  }
  DataLister lister() { return DataLister(d / "repo", store); }
};
}  // namespace

TEST_CASE("tracked paths, a tracked directory's entries, recursive listing", "[data_listing]") {
  Fixture f;
  auto top = f.lister().list(f.tracked, "", false);
  CHECK(paths_of(top) == std::vector<std::string>{"data", "m.bin"});
  CHECK(top.entries[0].tracked);
  CHECK(top.entries[0].in_cache);
  CHECK(top.entries[0].in_workspace);
  CHECK(top.entries[0].files == 2);
  CHECK_FALSE(top.entries[1].in_cache);
  CHECK_FALSE(top.entries[1].in_workspace);

  CHECK(paths_of(f.lister().list(f.tracked, "data", false)) == std::vector<std::string>{"data/s", "data/y"});
  CHECK(paths_of(f.lister().list(f.tracked, "data", true)) == std::vector<std::string>{"data/s/x", "data/y"});
  CHECK(paths_of(f.lister().list(f.tracked, "", true)) ==
        std::vector<std::string>{"data", "data/s/x", "data/y", "m.bin"});
  auto one = f.lister().list(f.tracked, "data/s/x", false);
  REQUIRE(one.entries.size() == 1);
  CHECK_FALSE(one.entries[0].in_workspace);
  CHECK(one.entries[0].in_cache);
  CHECK(paths_of(f.lister().list(f.tracked, "m.bin", false)) == std::vector<std::string>{"m.bin"});
  CHECK_THROWS_WITH(f.lister().list(f.tracked, "data/nope", false), Catch::Contains("'data/nope' is not in the tracked directory data"));
  CHECK_THROWS_WITH(f.lister().list(f.tracked, "other", false), Catch::Contains("'other' is not tracked"));
}

TEST_CASE("a directory with a missing manifest is not complete and not listed", "[data_listing]") {
  Fixture f;
  Tree gone{{file("q", "q")}};
  Hash g = hash_bytes(serialize_tree(gone));
  f.tracked.push_back({"zz", "zz.mlops", {"zz", g, OutKind::dir, 1, 1}});
  auto l = f.lister().list(f.tracked, "", true);
  CHECK(l.unlisted == std::vector<std::string>{"zz"});
  CHECK_FALSE(l.entries.back().in_cache);
}
