#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/tree.hpp"
#include "error_code.hpp"

using namespace mlops;
using mlops::test::code_of;

namespace {
Hash h(char c) { return hash_bytes(std::string(1, c)); }
}  // namespace

TEST_CASE("tree manifests are canonical and round-trip", "[tree]") {
  Tree t;
  t.entries.push_back({EntryKind::file, h('b'), 10, 1, "b.txt"});
  t.entries.push_back({EntryKind::dir, h('a'), 30, 2, "a dir"});
  t.entries.push_back({EntryKind::exec, h('c'), 5, 1, "run.sh"});
  t.entries.push_back({EntryKind::link, h('d'), 6, 0, "link"});
  std::string text = serialize_tree(t);
  CHECK(text.rfind("mlops-tree 1\nd ", 0) == 0);  // sorted: "a dir" first
  Tree back = parse_tree(text, "test");
  REQUIRE(back.entries.size() == 4);
  CHECK(back.entries[0].name == "a dir");
  CHECK(back.entries[3].kind == EntryKind::exec);
  CHECK(back.size() == 45);
  CHECK(back.files() == 4);
  Tree again = back;
  CHECK(serialize_tree(again) == text);  // same entries, same bytes, same hash
}

TEST_CASE("malformed manifests are integrity errors", "[tree]") {
  std::string good = "mlops-tree 1\nf " + h('a').hex() + " 1 1 x\n";
  CHECK_NOTHROW(parse_tree(good, "t"));
  for (std::string bad : {std::string("mlops-tree 2\n"), good.substr(0, good.size() - 1),
                          "mlops-tree 1\nq " + h('a').hex() + " 1 1 x\n", "mlops-tree 1\nf " + h('a').hex() + " one 1 x\n",
                          "mlops-tree 1\nf " + h('a').hex() + " 1 1 ../x\n",
                          good + "f " + h('b').hex() + " 1 1 x\n" /* repeated name */}) {
    INFO(bad);
    try {
      parse_tree(bad, "t");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::integrity);
    }
  }
}

TEST_CASE("names with a newline cannot be tracked", "[tree]") {
  Tree t;
  t.entries.push_back({EntryKind::file, h('a'), 1, 1, "ok"});
  CHECK_NOTHROW(check_entry_name("spaces are fine", "p"));
  CHECK_THROWS_AS(check_entry_name("bad\nname", "p"), Error);
}

TEST_CASE("manifests declaring impossible counts are integrity errors", "[tree]") {
  std::string head = "mlops-tree 1\n";
  for (std::string bad : {head + "f " + h('a').hex() + " 1 2 x\n", head + "l " + h('a').hex() + " 1 1 x\n",
                          head + "d " + h('a').hex() + " 1 4294967297 x\n",
                          head + "d " + h('a').hex() + " 1 4294967296 x\nf " + h('b').hex() + " 1 1 y\n",
                          head + "d " + h('a').hex() + " 18446744073709551615 1 x\nf " + h('b').hex() + " 1 1 y\n"}) {
    INFO(bad);
    CHECK(code_of([&] { parse_tree(bad, "t"); }) == Errc::integrity);
  }
  CHECK(parse_tree(head + "d " + h('a').hex() + " 1 4294967296 x\n", "t").files() == 4294967296u);
}
