#include <catch2/catch.hpp>
#include <algorithm>
#include <functional>

#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/pointer_file.hpp"
#include "error_code.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::code_of;
using mlops::test::sh;
using mlops::test::TempDir;
using mlops::test::write;
namespace fs = std::filesystem;

namespace {

PointerOut out_of(const std::string& name, const std::string& content, OutKind kind = OutKind::file) {
  return {name, hash_bytes(content), kind, content.size(), kind == OutKind::dir ? 2u : 0u};
}

void write_pointer_for(const fs::path& dir, const std::string& name, const std::string& content,
                       OutKind kind = OutKind::file) {
  fs::create_directories(dir);
  write(dir / (name + ".mlops"), format_pointer({{out_of(name, content, kind)}}));
}

// A repo with two commits on main, a tag on the first, and a side branch.
struct History {
  TempDir d;
  fs::path root = d.path();
  History() {
    sh(root, "git init -q -b main .");
    write_pointer_for(root / "data", "raw", "v1");
    write(root / "README", "readme\n");
    write(root / ".mlops/config.yaml", "core: {}\n");
    write(root / ".mlops/odd.mlops", "not a pointer");  // inside .mlops/: ignored
    sh(root, "git add -A && git commit -q -m one && git tag -a v1 -m v1");
    write_pointer_for(root / "data", "raw", "v2");
    write_pointer_for(root / "models", "m.bin", "model", OutKind::dir);
    sh(root, "git add -A && git commit -q -m two");
    sh(root, "git branch side HEAD~1");
  }
};

}  // namespace

TEST_CASE("revisions resolve to commits; unknown ones name themselves", "[git_history]") {
  History h;
  GitHistory g(h.root);
  CHECK(g.prefix().empty());
  std::string head = g.resolve("HEAD"), first = g.resolve("HEAD~1");
  CHECK(head.size() == 40);
  CHECK(head != first);
  CHECK(g.resolve("main") == head);
  CHECK(g.resolve("v1") == first);  // annotated tag, peeled
  CHECK(g.resolve("side") == first);
  CHECK(g.resolve(head.substr(0, 8)) == head);
  CHECK_THROWS_WITH(g.resolve("no-such-branch"), Catch::Contains("unknown revision 'no-such-branch'"));
  CHECK(code_of([&] { g.resolve("HEAD~7"); }) == Errc::usage);
  CHECK_THROWS_WITH(g.resolve("HEAD:README"), Catch::Contains("'HEAD:README' does not name a commit"));
}

TEST_CASE("an empty repository has no HEAD; outside git is a usage error", "[git_history]") {
  TempDir d;
  sh(d.path(), "git init -q .");
  GitHistory g(d.path());
  CHECK_THROWS_WITH(g.resolve("HEAD"), Catch::Contains("no commits yet"));
  CHECK(g.commits(kHeadCommit | kBranchTips | kAllCommits).empty());
  TempDir plain;
  CHECK(GitHistory::open_if_any(plain.path()) == nullptr);
  CHECK(code_of([&] { GitHistory x(plain.path()); }) == Errc::usage);
}

TEST_CASE("files are read at a revision without touching the work tree", "[git_history]") {
  History h;
  GitHistory g(h.root);
  fs::remove(h.root / "README");
  auto readme = g.read_file(g.resolve("HEAD"), "README");
  REQUIRE(readme);
  CHECK(*readme == "readme\n");
  CHECK_FALSE(g.read_file(g.resolve("HEAD~1"), "models/m.bin.mlops"));
  CHECK(g.read_file(g.resolve("HEAD"), "models/m.bin.mlops"));
  CHECK_FALSE(g.read_file(g.resolve("HEAD"), "data"));  // a directory is not a file
  CHECK_FALSE(fs::exists(h.root / "README"));
}

TEST_CASE("pointer files of a commit, with their parsed outs", "[git_history]") {
  History h;
  GitHistory g(h.root);
  auto now = g.pointers(g.resolve("HEAD"), "HEAD");
  REQUIRE(now.size() == 2);
  CHECK(now[0].path == "data/raw");
  CHECK(now[0].pointer == "data/raw.mlops");
  CHECK(now[0].out.hash == hash_bytes("v2"));
  CHECK(now[1].path == "models/m.bin");
  CHECK(now[1].out.kind == OutKind::dir);
  auto before = g.pointers(g.resolve("HEAD~1"), "HEAD~1");
  REQUIRE(before.size() == 1);
  CHECK(before[0].out.hash == hash_bytes("v1"));

  write(h.root / "bad.mlops", "outs: 3\n");
  sh(h.root, "git add bad.mlops && git commit -q -m bad");
  CHECK_THROWS_WITH(g.pointers(g.resolve("HEAD"), "HEAD"), Catch::Contains("HEAD:bad.mlops:"));
}

TEST_CASE("the log of a commit lists it and its ancestors newest first", "[git_history]") {
  History h;
  GitHistory g(h.root);
  std::string head = g.resolve("HEAD"), first = g.resolve("HEAD~1");
  CHECK(g.head() == head);
  CHECK(g.log(head) == std::vector<std::string>{head, first});
  CHECK(g.log(first) == std::vector<std::string>{first});
  TempDir empty;
  sh(empty.path(), "git init -q .");
  CHECK_FALSE(GitHistory(empty.path()).head());
}

TEST_CASE("commits for gc: HEAD, branches, tags, everything reachable", "[git_history]") {
  History h;
  GitHistory g(h.root);
  std::string head = g.resolve("HEAD"), first = g.resolve("HEAD~1");
  // An unrelated history: a lightweight tag on its first commit, a branch on its second.
  sh(h.root, "git checkout -q --orphan lonely && git commit -q -m lonely && git tag t-lonely && "
             "git commit -q --allow-empty -m after && git checkout -q main");
  std::string lonely = g.resolve("t-lonely"), after = g.resolve("lonely");

  CHECK(g.commits(kHeadCommit) == std::vector<std::string>{head});
  auto branches = g.commits(kBranchTips);
  CHECK(branches.size() == 3);  // main, side, lonely
  CHECK(std::count(branches.begin(), branches.end(), after) == 1);
  CHECK(std::count(branches.begin(), branches.end(), lonely) == 0);
  auto tags = g.commits(kTagTargets);
  CHECK(tags.size() == 2);  // v1 (annotated, peeled) and t-lonely
  CHECK(std::count(tags.begin(), tags.end(), first) == 1);
  auto all = g.commits(kAllCommits);
  CHECK(all.size() == 4);
  CHECK(std::is_sorted(all.begin(), all.end()));
  for (const auto& c : {head, first, lonely, after}) CHECK(std::count(all.begin(), all.end(), c) == 1);
  sh(h.root, "git checkout -q --detach HEAD~1");
  CHECK(g.commits(kHeadCommit) == std::vector<std::string>{first});

  auto outs = g.outs_in(all);
  CHECK(outs.size() == 3);  // raw v1, raw v2, models/m.bin
}

TEST_CASE("an mlops root below the git top level sees paths relative to itself", "[git_history]") {
  TempDir d;
  sh(d.path(), "git init -q -b main .");
  fs::path sub = d / "projects/vision";
  write_pointer_for(sub / "data", "images", "pix", OutKind::dir);
  write_pointer_for(d / "elsewhere", "other", "x");  // outside the mlops root: not ours
  sh(d.path(), "git add -A && git commit -q -m one");
  GitHistory g(sub / "data");
  CHECK(g.prefix() == "projects/vision/data");
  GitHistory s(sub);
  CHECK(s.prefix() == "projects/vision");
  CHECK(s.git_root() == fs::canonical(d.path()));
  std::string head = s.resolve("HEAD");
  auto ptrs = s.pointers(head, "HEAD");
  REQUIRE(ptrs.size() == 1);
  CHECK(ptrs[0].path == "data/images");
  CHECK(ptrs[0].pointer == "data/images.mlops");
  CHECK(s.read_file(head, "data/images.mlops"));
  CHECK_FALSE(s.read_file(head, "elsewhere/other.mlops"));
  CHECK(s.outs_in({head}).size() == 1);

  write(sub / "data/images.mlops", "outs: [\n");
  sh(d.path(), "git commit -q -am broken");
  CHECK_THROWS_WITH(s.pointers(s.resolve("HEAD"), "main"), Catch::Contains("main:projects/vision/data/images.mlops"));
}
