#include <catch2/catch.hpp>
#include <cmath>

#include "core/metrics_file.hpp"
#include "error_text.hpp"

using namespace mlops;

namespace {

std::vector<std::string> keys(const FlatValues& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.key);
  return out;
}

const Document& value_of(const FlatValues& v, const std::string& key) {
  for (const auto& e : v)
    if (e.key == key) return e.value;
  FAIL("no key " << key);
  throw;
}

std::string error_of(const std::string& text, const std::string& path) {
  return test::error_text([&] { parse_metrics(text, path, "HEAD~1:" + path); });
}

}  // namespace

TEST_CASE("JSON metrics flatten nested mappings and lists in file order", "[metrics]") {
  auto v = parse_metrics(R"({"loss": 0.25, "train": {"acc": 0.9, "epochs": 10, "layers": [64, {"units": 32}]},
                            "name": "resnet", "best": true, "note": null, "empty": {}, "none": []})",
                         "metrics.json", "metrics.json");
  CHECK(keys(v) == std::vector<std::string>{"loss", "train.acc", "train.epochs", "train.layers.0",
                                            "train.layers.1.units", "name", "best", "note"});
  CHECK(value_of(v, "loss").is_number_float());
  CHECK(value_of(v, "train.epochs").is_number_integer());
  CHECK(value_of(v, "train.epochs") == 10);
  CHECK(value_of(v, "name") == "resnet");
  CHECK(value_of(v, "best") == true);
  CHECK(value_of(v, "note").is_null());
}

TEST_CASE("YAML params are typed by the YAML 1.2 core schema", "[metrics]") {
  auto v = parse_metrics(
      "train:\n  lr: 0.01\n  epochs: 10\n  big: 12345678901234567890123\n  sci: 1e-3\n  hex: 0x1f\n"
      "  flag: True\n  yes_word: yes\n  quoted: '42'\n  sep: 1_000\n  inf: -.inf\n  nothing: ~\n"
      "  plus: +7\n  dot: 3.\nlist: [a, 2]\n",
      "params.yaml", "params.yaml");
  CHECK(value_of(v, "train.lr").is_number_float());
  CHECK(value_of(v, "train.lr") == 0.01);
  CHECK(value_of(v, "train.epochs").is_number_integer());
  CHECK(value_of(v, "train.big").is_number_float());
  CHECK(value_of(v, "train.sci") == 0.001);
  CHECK(value_of(v, "train.hex") == 31);
  CHECK(value_of(v, "train.flag") == true);
  CHECK(value_of(v, "train.yes_word") == "yes");
  CHECK(value_of(v, "train.quoted") == "42");
  CHECK(value_of(v, "train.sep") == "1_000");
  CHECK(std::isinf(value_of(v, "train.inf").get<double>()));
  CHECK(value_of(v, "train.nothing").is_null());
  CHECK(value_of(v, "train.plus") == 7);
  CHECK(value_of(v, "train.dot") == 3.0);
  CHECK(value_of(v, "list.0") == "a");
  CHECK(value_of(v, "list.1") == 2);
}

TEST_CASE("an empty YAML file has no values", "[metrics]") {
  CHECK(parse_metrics("", "params.yml", "params.yml").empty());
  CHECK(parse_metrics("# nothing yet\n", "params.yml", "params.yml").empty());
}

TEST_CASE("malformed metrics files name the file the revision the line and the column", "[metrics]") {
  CHECK_THAT(error_of("{\"acc\": 0.9,\n \"loss\": }\n", "m.json"),
             Catch::StartsWith("HEAD~1:m.json:2:10: invalid JSON: syntax error"));
  CHECK_THAT(error_of("a: 1\nb: [1, 2\n", "m.yaml"), Catch::StartsWith("HEAD~1:m.yaml:3:1: invalid YAML"));
  CHECK_THAT(error_of("a:\n  ? [1, 2]\n  : x\n", "m.yaml"),
             Catch::Contains("HEAD~1:m.yaml:2:5: invalid YAML: mapping keys must be plain values"));
  CHECK_THAT(error_of("[1, 2]", "m.json"), Catch::Contains("HEAD~1:m.json: expected a mapping") &&
                                                   Catch::Contains("not a list"));
  CHECK_THAT(error_of("0.9\n", "m.yaml"), Catch::Contains("not a single value"));
  CHECK_THAT(error_of("acc: 1\n", "m.txt"), Catch::Contains("HEAD~1:m.txt: unknown file type"));
}

TEST_CASE("select_keys takes each key and everything below it in file order", "[metrics]") {
  auto v = parse_metrics("train:\n  lr: 1\n  lr_decay: 2\n  sub: {x: 3}\ntrainer: 4\n", "p.yaml", "p.yaml");
  CHECK(keys(select_keys(v, {"train"})) == std::vector<std::string>{"train.lr", "train.lr_decay", "train.sub.x"});
  CHECK(keys(select_keys(v, {"train.lr"})) == std::vector<std::string>{"train.lr"});
  CHECK(keys(select_keys(v, {"trainer", "train.sub"})) == std::vector<std::string>{"train.sub.x", "trainer"});
  CHECK(select_keys(v, {"missing"}).empty());
  CHECK(select_keys(v, {}).empty());
  CHECK(select_keys(v, {"train", ""}).size() == 4);
}

TEST_CASE("value_text keeps integers and rounds floats to the precision", "[metrics]") {
  CHECK(value_text(Document(10)) == "10");
  CHECK(value_text(Document(-3)) == "-3");
  CHECK(value_text(Document(0.1)) == "0.1");
  CHECK(value_text(Document(2.0)) == "2.0");
  CHECK(value_text(Document(0.123456789), 5) == "0.12346");
  CHECK(value_text(Document(2.5), 5) == "2.5");
  CHECK(value_text(Document(0.04999999999999993), 5) == "0.05");
  CHECK(value_text(Document(-0.0000012345), 3) == "-1.23e-06");
  CHECK(value_text(Document(1234.5678), 2) == "1200.0");
  CHECK(value_text(Document(123456.0), 5) == "123460.0");
  CHECK(value_text(Document(-0.0), 5) == "0.0");
  CHECK(value_text(Document(1e300), 5) == "1e+300");
  CHECK(value_text(Document(std::nan(""))) == "nan");
  CHECK(value_text(Document("text")) == "text");
  CHECK(value_text(Document(true)) == "true");
  CHECK(value_text(Document(nullptr)) == "null");
}
