#pragma once
// Changing one value in a params file (YAML or JSON) the way a person would:
// only the characters of that value change, so comments, key order, quoting
// and layout stay, and a restored file is the same bytes. Used by
// `exp run -S` (overrides) and `exp apply` (a run's params written back).
//
// An override on the command line is
//
//   [FILE:]KEY=VALUE     KEY dotted ("train.lr", "layers.0"); FILE defaults
//                        to the pipeline's params file; VALUE a YAML scalar
//                        ("0.2" is a number, "adam" a string, "'0.2'" a string)
#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

struct ParamOverride {
  std::string file;
  std::string key;
  nlohmann::json value;  // a scalar
};

// Error(usage) naming `spec` when malformed.
ParamOverride parse_override(const std::string& spec, const std::string& default_file);

// `text` with the scalar at `key` replaced by `value`, every other byte kept.
// JSON syntax is written when `origin` ends in ".json" or the value sits in
// a flow collection. Error(usage) naming `origin` when the file cannot be
// parsed, has no such key (with the closest keys it has), or holds a
// mapping, list or multi-line scalar there.
std::string set_param(const std::string& text, const std::string& origin, const std::string& key,
                      const nlohmann::json& value);

// The value (a scalar or a whole section) at dotted `key` in a parsed params
// document, numbers naming list items; nullptr when absent.
const nlohmann::json* find_param(const nlohmann::json& doc, const std::string& key);

}  // namespace mlops
