#pragma once
// YAML values as JSON values, for params, metrics and plots: plain scalars
// become numbers, booleans or null the way YAML 1.2's core schema reads them
// (`true`/`False`, `~`/`null`/nothing, `12`, `+7`, `0x1f`, `0o17`, `1.5`,
// `1e-3`, `.inf`, `.nan`); everything else, `yes`, `on` and `1_000`
// included, and every quoted scalar, stays a string. JSON values are emitted
// back as YAML flow scalars or block collections.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace mlops {

// A mapping key that is not a plain value (`? [1, 2]`) throws
// YAML::ParserException at the key's position.
nlohmann::json yaml_to_json(const YAML::Node& node);
// The same, with mapping keys kept in the order of the file.
nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node);

void emit_json_as_yaml(YAML::Emitter& out, const nlohmann::json& value);

// `value` as one line of YAML flow text, the form in which params are
// compared and keyed: two values are the same exactly when their texts are,
// so `.nan` equals `.nan` (NaN is not equal to itself as a double, and JSON
// text would write it as null).
std::string canonical_text(const nlohmann::json& value);

}  // namespace mlops
