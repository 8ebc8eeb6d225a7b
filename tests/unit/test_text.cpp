#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/text.hpp"

using namespace mlops;

TEST_CASE("edit distance and suggestions", "[text]") {
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  auto s = suggest("stauts", {"status", "init", "stage"});
  REQUIRE_FALSE(s.empty());
  CHECK(s.front() == "status");
  CHECK(suggest("zzzzzz", {"status", "init"}).empty());
  CHECK(suggest("conf", {"config", "init"}).front() == "config");
}

TEST_CASE("split, join, trim", "[text]") {
  CHECK(split("a,b,,c", ',') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(join({"a", "b"}, ", ") == "a, b");
  CHECK(trim("  x y \n") == "x y");
}

TEST_CASE("sizes", "[text]") {
  CHECK(parse_size("1MiB", "k") == 1048576);
  CHECK(parse_size("64k", "k") == 65536);
  CHECK(parse_size("12", "k") == 12);
  CHECK(parse_size("2G", "k") == 2ull << 30);
  CHECK_THROWS_AS(parse_size("MiB", "k"), Error);
  CHECK_THROWS_AS(parse_size("1 parsec", "k"), Error);
  CHECK_THROWS_AS(parse_size("99999999999999999999", "k"), Error);
  CHECK(human_size(512) == "512 B");
  CHECK(human_size(1536) == "1.5 KiB");
}
