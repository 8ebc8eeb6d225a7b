#pragma once
// JSON and YAML documents as one tree type, so readers of metrics, params and
// plot files handle both formats with the same code.
//
// YAML scalars are typed as the YAML 1.2 core schema says (yaml_json.hpp;
// DVC's YAML reader does the same), so `yes`, `on` and `1_000` stay strings,
// unlike YAML 1.1 readers.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// Keys keep the order of the file, so tables list values as written.
using Document = nlohmann::ordered_json;

enum class TextFormat { json, yaml };

// By extension: .json, .yaml, .yml (any case); nullopt for anything else.
std::optional<TextFormat> structured_format(std::string_view path);

// Parses `text`; Error(usage) "ORIGIN:LINE:COLUMN: invalid JSON: ..." (or
// YAML) when it is malformed. YAML aliases are resolved; YAML mapping keys
// must be scalars.
Document parse_structured(std::string_view text, TextFormat format, const std::string& origin);

// "ORIGIN:LINE:COLUMN" (1-based), or ORIGIN alone when line is 0.
std::string text_position(const std::string& origin, int line, int column);

}  // namespace mlops
