#include <catch2/catch.hpp>

#include <string>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/yaml_load.hpp"
#include "error_text.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::error_text;

namespace {

// Ten aliases a level, `levels` levels deep: 10^(levels+1) values.
std::string laughs(int levels) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    std::string p = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + p;
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("documents with a few aliases load as yaml-cpp reads them", "[yaml_load]") {
  YAML::Node doc = load_yaml("base: &b {lr: 0.1}\ntrain: *b\nlist: [1, 2]\n", "p.yaml");
  CHECK(doc["train"]["lr"].as<double>() == 0.1);
  CHECK(doc["list"].size() == 2);
  CHECK(load_yaml(laughs(4), "p.yaml")["a4"].size() == 10);  // 10^5 values: under the bound
  CHECK(load_yaml("", "p.yaml").IsNull());
}

TEST_CASE("an alias bomb is refused before it is expanded", "[yaml_load]") {
  std::string msg = error_text([] { load_yaml(laughs(9), "params.yaml"); });
  CHECK_THAT(msg, Catch::StartsWith("params.yaml:6:") && Catch::Contains("invalid YAML: more than 1000000 values"));
}

TEST_CASE("an alias inside what it names is refused", "[yaml_load]") {
  CHECK_THAT(error_text([] { load_yaml("x: &x [1, *x]\n", "p.yaml"); }),
             Catch::StartsWith("p.yaml:1:11: invalid YAML: an alias names a collection that contains it"));
}

TEST_CASE("nesting is bounded, aliases included", "[yaml_load]") {
  auto nested = [](int n) { return "x: " + std::string(n, '[') + std::string(n, ']') + "\n"; };
  CHECK_NOTHROW(load_yaml(nested(kYamlMaxDepth - 1), "p.yaml"));  // the top mapping is a level too
  CHECK_THAT(error_text([&] { load_yaml(nested(kYamlMaxDepth), "p.yaml"); }),
             Catch::Contains("p.yaml:1:") && Catch::Contains("nested deeper than 100 levels"));
  // 60 levels named twice by an alias below 60 more: 120 deep once expanded.
  std::string deep = "a: &a " + std::string(60, '[') + std::string(60, ']') + "\nb: " + std::string(60, '[') + "*a" +
                     std::string(60, ']') + "\n";
  CHECK_THAT(error_text([&] { load_yaml(deep, "p.yaml"); }), Catch::Contains("nested deeper than 100 levels"));
}

TEST_CASE("duplicate keys are refused at the second one", "[yaml_load]") {
  CHECK_THAT(error_text([] { load_yaml("lr: 1\nlr: 2\n", "p.yaml"); }),
             Catch::Equals("p.yaml:2:1: invalid YAML: duplicate key 'lr'"));
  CHECK_THAT(error_text([] { load_yaml("train:\n  lr: 1\n  'lr': 2\n", "p.yaml"); }),
             Catch::Equals("p.yaml:3:3: invalid YAML: duplicate key 'train.lr'"));
  CHECK_THAT(error_text([] { load_yaml("outs:\n  - {path: a, path: b}\n", "x.mlops"); }),
             Catch::StartsWith("x.mlops:2:") && Catch::EndsWith(": invalid YAML: duplicate key 'outs.0.path'"));
  CHECK_THAT(error_text([] { load_yaml("a: &k a\n*k : 2\n", "p.yaml"); }), Catch::Contains("duplicate key 'a'"));
  // The same key in two mappings is no duplicate.
  CHECK_NOTHROW(load_yaml("a: {lr: 1}\nb: {lr: 1}\nc: [{lr: 1}, {lr: 2}]\n", "p.yaml"));
}

TEST_CASE("mapping keys must be plain values", "[yaml_load]") {
  CHECK_THAT(error_text([] { load_yaml("? [a, b]\n: 1\n", "config.yaml"); }),
             Catch::StartsWith("config.yaml:1:") &&
                 Catch::EndsWith(": invalid YAML: mapping keys must be plain values, not a list"));
  CHECK_THAT(error_text([] { load_yaml("core:\n  ? {a: 1}\n  : 1\n", "config.yaml"); }),
             Catch::StartsWith("config.yaml:2:") &&
                 Catch::EndsWith(": invalid YAML: mapping keys must be plain values, not a mapping (in 'core')"));
}

TEST_CASE("syntax errors and oversized texts name the origin", "[yaml_load]") {
  CHECK_THAT(error_text([] { load_yaml("a: [1, 2\n", "m.yaml"); }), Catch::StartsWith("m.yaml:2:1: invalid YAML"));
  CHECK_THROWS_WITH(check_yaml_size(kYamlMaxBytes + 1, "big.yaml"),
                    Catch::StartsWith("big.yaml: 67108865 bytes is more than the 64 MiB"));
  CHECK_NOTHROW(check_yaml_size(kYamlMaxBytes, "big.yaml"));
}

TEST_CASE("only regular files are read as YAML", "[yaml_load]") {
  mlops::test::TempDir dir;
  write_file_atomic(dir / "p.yaml", "lr: 1\n");
  CHECK(read_yaml_file(dir / "p.yaml", "p.yaml") == "lr: 1\n");
  std::filesystem::create_directory(dir / "d.yaml");
  CHECK_THAT(error_text([&] { read_yaml_file(dir / "d.yaml", "d.yaml"); }), Catch::Equals("d.yaml: not a regular file"));
}
