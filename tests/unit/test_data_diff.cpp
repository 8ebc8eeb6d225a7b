#include <catch2/catch.hpp>
#include <map>

#include "core/data_diff.hpp"
#include "core/error.hpp"

using namespace mlops;

namespace {
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
Tracked dir(const std::string& path, const Hash& h) { return {path, path + ".mlops", {path, h, OutKind::dir, 0, 0}}; }
Tracked plain(const std::string& path, const std::string& content) {
  return {path, path + ".mlops", {path, hash_bytes(content), OutKind::file, content.size(), 0}};
}
std::vector<std::string> files_of(const PathChange& pc) {
  std::vector<std::string> out;
  for (const auto& c : pc.files) out.push_back(std::string(change_name(c.type)) + " " + c.path);
  return out;
}
}  // namespace

TEST_CASE("tracked paths added, deleted and modified, with their files", "[data_diff]") {
  Trees t;
  Hash sub1 = t.add(Tree{{file("x", "1")}}), sub2 = t.add(Tree{{file("x", "2")}});
  Hash d1 = t.add(Tree{{{EntryKind::dir, sub1, 1, 1, "s"}, file("z", "z")}});
  Hash d2 = t.add(Tree{{{EntryKind::dir, sub2, 1, 1, "s"}, file("z", "z"), file("w", "w")}});
  std::vector<Tracked> a{dir("data", d1), plain("gone.bin", "g"), plain("same.bin", "s")};
  std::vector<Tracked> b{dir("data", d2), plain("new.bin", "n"), plain("same.bin", "s")};
  auto changes = diff_data(a, b, t.loader());
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].path == "data");
  CHECK(changes[0].status == PathChange::Status::modified);
  CHECK(files_of(changes[0]) == std::vector<std::string>{"modified data/s/x", "added data/w"});
  CHECK(changes[1].path == "gone.bin");
  CHECK(changes[1].status == PathChange::Status::deleted);
  CHECK(changes[2].path == "new.bin");
  CHECK(files_of(changes[2]) == std::vector<std::string>{"added new.bin"});

  auto only_s = diff_data(a, b, t.loader(), {"data/s"});
  REQUIRE(only_s.size() == 1);
  CHECK(files_of(only_s[0]) == std::vector<std::string>{"modified data/s/x"});
  CHECK(diff_data(a, b, t.loader(), {"data/z"}).empty());  // unchanged inside a changed path
  CHECK(diff_data(a, b, t.loader(), {"gone.bin", "new.bin"}).size() == 2);
}

TEST_CASE("a manifest missing from the loader marks the path, not the whole diff", "[data_diff]") {
  Trees t;
  Hash d1 = t.add(Tree{{file("x", "1")}}), d2 = t.add(Tree{{file("x", "2")}});
  std::vector<Tracked> a{dir("data", d1), plain("m", "1")}, b{dir("data", d2), plain("m", "2")};
  t.by_hash.erase(d2);
  auto changes = diff_data(a, b, t.loader());
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].missing_tree == d2);
  CHECK(changes[0].files.empty());
  CHECK_FALSE(changes[1].missing_tree);
  CHECK(files_of(changes[1]) == std::vector<std::string>{"modified m"});
}

TEST_CASE("paths overlap when one contains the other", "[data_diff]") {
  CHECK(paths_overlap("data", "data/x"));
  CHECK(paths_overlap("data/x", "data"));
  CHECK(paths_overlap("data", "data"));
  CHECK_FALSE(paths_overlap("data", "data2"));
  CHECK_FALSE(paths_overlap("data.txt", "data"));
}
