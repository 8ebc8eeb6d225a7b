#pragma once
// YAML values as JSON values, for params and metrics: plain scalars become
// numbers, booleans or null the way YAML 1.2's core schema reads them;
// quoted scalars stay strings. JSON values are emitted back as YAML flow
// scalars or block collections.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace mlops {

nlohmann::json yaml_to_json(const YAML::Node& node);
void emit_json_as_yaml(YAML::Emitter& out, const nlohmann::json& value);

}  // namespace mlops
