#include <catch2/catch.hpp>
#include <cmath>

#include "core/yaml_json.hpp"

using namespace mlops;

namespace {

nlohmann::json typed(const std::string& scalar) { return yaml_to_json(YAML::Load("v: " + scalar))["v"]; }

std::string emitted(const nlohmann::json& v) {
  YAML::Emitter out;
  emit_json_as_yaml(out, v);
  return out.c_str();
}

}  // namespace

TEST_CASE("plain YAML scalars are typed by the YAML 1.2 core schema", "[yaml_json]") {
  CHECK(typed("12") == 12);
  CHECK(typed("+7") == 7);
  CHECK(typed("-3").is_number_integer());
  CHECK(typed("0x1f") == 31);
  CHECK(typed("0o17") == 15);
  CHECK(typed("1.5") == 1.5);
  CHECK(typed("1e-3") == 0.001);
  CHECK(typed("3.") == 3.0);
  CHECK(typed("99999999999999999999").is_number_float());
  CHECK(std::isinf(typed("-.inf").get<double>()));
  CHECK(std::isnan(typed(".nan").get<double>()));
  CHECK(typed("True") == true);
  CHECK(typed("~").is_null());
  for (const char* s : {"yes", "on", "1_000", "0x", "+-1", "'12'", "\"true\""})
    CHECK(typed(s).is_string());
}

TEST_CASE("mapping keys keep file order on request and must be plain", "[yaml_json]") {
  auto doc = yaml_to_ordered_json(YAML::Load("b: 1\na: 2\n"));
  CHECK(doc.begin().key() == "b");
  CHECK_THROWS_AS(yaml_to_json(YAML::Load("? [1, 2]\n: x\n")), YAML::ParserException);
}

TEST_CASE("emitted values read back as the same types", "[yaml_json]") {
  for (const nlohmann::json& v : {nlohmann::json("12"), nlohmann::json("0x1f"), nlohmann::json(".inf"),
                                   nlohmann::json(1.5), nlohmann::json(12), nlohmann::json(true)}) {
    INFO(v.dump());
    CHECK(typed(emitted(v)) == v);
  }
  CHECK(emitted(std::nan("")) == ".nan");
  CHECK(std::isinf(typed(emitted(-HUGE_VAL)).get<double>()));
}
