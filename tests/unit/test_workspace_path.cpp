#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/workspace_path.hpp"
#include "error_code.hpp"

using namespace mlops;
using namespace std::string_literals;

TEST_CASE("safe workspace paths are relative names inside the repository", "[workspace_path]") {
  for (std::string ok : {"a", "data/images", "a b/c.d", "[br]", "..a", "a..", ".gitignore", ".github/x", "x.mlops",
                         "dir/.git-keep", "\xc3\xa9t\xc3\xa9"})
    CHECK_FALSE(unsafe_workspace_path(ok));
}

TEST_CASE("unsafe workspace paths are refused with a reason", "[workspace_path]") {
  for (std::string bad : {""s, "/etc/passwd"s, ".."s, "../x"s, "a/../../x"s, "a/.."s, "."s, "./a"s, "a//b"s, "a/"s,
                          ".git"s, ".git/hooks"s, "sub/.git/config"s, ".GIT/hooks"s, ".Mlops/cache"s, ".mlops"s,
                          "a\nb"s, "a\0b"s, "CRLF\r"s, "tab\there"s, "del\x7f"s})
    CHECK(unsafe_workspace_path(bad));
  CHECK(*unsafe_workspace_path("/x") == "it is absolute");
  CHECK(unsafe_workspace_path("a/.git/b")->find("'.git'") != std::string::npos);
}

TEST_CASE("tree entry names may hold control characters, not .git", "[workspace_path]") {
  CHECK_FALSE(unsafe_component("CRLF\r"));
  CHECK(unsafe_component(".git"));
  CHECK(unsafe_component("a/b"));
  CHECK(unsafe_component(".."));
}

TEST_CASE("check_workspace_path names the place and shows control characters escaped", "[workspace_path]") {
  CHECK(test::code_of([] { check_workspace_path("a\nb\0c"s, "p.mlops:3:11", Errc::integrity); }) == Errc::integrity);
  try {
    check_workspace_path("a\nb\0c"s, "p.mlops:3:11", Errc::usage);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("p.mlops:3:11: unsafe path 'a\\nb\\x00c'") != std::string::npos);
  }
  CHECK_NOTHROW(check_workspace_path("fine/path", "x", Errc::usage));
}
