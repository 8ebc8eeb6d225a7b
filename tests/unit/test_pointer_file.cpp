#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/pointer_file.hpp"

using namespace mlops;

TEST_CASE("pointer files round-trip in the documented shape", "[pointer]") {
  PointerFile p{{{"images", hash_bytes("x"), OutKind::dir, 327680000, 20000}}};
  std::string text = format_pointer(p);
  CHECK(text.find("# mlops pointer: the content of `images` lives in the mlops cache\n") == 0);
  CHECK(text.find("    kind: dir\n    size: 327680000\n    files: 20000\n") != std::string::npos);
  PointerFile back = parse_pointer(text, "images.mlops");
  REQUIRE(back.outs.size() == 1);
  CHECK(back.outs[0].hash == hash_bytes("x"));
  CHECK(back.outs[0].files == 20000);
}

TEST_CASE("unknown keys are accepted, odd names quoted", "[pointer]") {
  std::string text = "outs:\n  - path: 'yes'\n    hash: " + hash_bytes("y").str() +
                     "\n    kind: file\n    future_key: 1\nlater: true\n";
  PointerFile p = parse_pointer(text, "p");
  CHECK(p.outs[0].path == "yes");
  CHECK(format_pointer(p).find("path: \"yes\"") != std::string::npos);
}

TEST_CASE("malformed pointers name file, line and column", "[pointer]") {
  std::string h = hash_bytes("z").str();
  struct Case {
    std::string text, where;
  };
  for (const auto& c : std::vector<Case>{
           {"outs: [\n", "p.mlops:2:1"},
           {"outs: []\n", "p.mlops:1:1"},
           {"outs:\n  - path: x\n    kind: file\n", "p.mlops:2:5"},
           {"outs:\n  - path: x\n    hash: md5:00\n    kind: file\n", "p.mlops:3:11"},
           {"outs:\n  - path: /etc/passwd\n    hash: " + h + "\n    kind: file\n", "p.mlops:2:11"},
           {"outs:\n  - path: a/../../x\n    hash: " + h + "\n    kind: file\n", "p.mlops:2:11"},
           {"outs:\n  - path: x\n    hash: " + h + "\n    kind: blob\n", "p.mlops:4:11"},
           {"outs:\n  - path: x\n    hash: " + h + "\n    kind: file\n    size: -1\n", "p.mlops:5:11"},
       }) {
    INFO(c.text);
    try {
      parse_pointer(c.text, "p.mlops");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::StartsWith(c.where));
      CHECK(e.code() == Errc::usage);
    }
  }
}
