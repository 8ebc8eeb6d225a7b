#include "structured_text.hpp"

#include <algorithm>
#include <cctype>

#include "error.hpp"
#include "yaml_json.hpp"
#include "yaml_load.hpp"

namespace mlops {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error malformed(const std::string& origin, int line, int column, std::string_view format, const std::string& what) {
  return Error(Errc::usage, text_position(origin, line, column) + ": invalid " + std::string(format) + ": " + what);
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 1, column 5: syntax error ..."; the position is given separately.
std::string json_reason(const std::string& what) {
  size_t column = what.find("column ");
  size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

Document parse_json(std::string_view text, const std::string& origin) {
  check_yaml_size(text.size(), origin);
  // nlohmann reads any depth, and the readers of the result recurse.
  auto shallow = [&origin](int depth, Document::parse_event_t, Document&) {
    if (depth > kYamlMaxDepth)
      throw Error(Errc::usage, origin + ": invalid JSON: nested deeper than " + std::to_string(kYamlMaxDepth) + " levels");
    return true;
  };
  try {
    return Document::parse(text, shallow);
  } catch (const Document::parse_error& e) {
    size_t end = std::min(e.byte == 0 ? 0 : e.byte - 1, text.size());
    int line = 1, column = 1;
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw malformed(origin, line, column, "JSON", json_reason(e.what()));
  }
}

Document parse_yaml(std::string_view text, const std::string& origin) {
  return yaml_to_ordered_json(load_yaml(text, origin));
}

}  // namespace

std::optional<TextFormat> structured_format(std::string_view path) {
  std::string p = lower(path);
  if (p.ends_with(".json")) return TextFormat::json;
  if (p.ends_with(".yaml") || p.ends_with(".yml")) return TextFormat::yaml;
  return std::nullopt;
}

Document parse_structured(std::string_view text, TextFormat format, const std::string& origin) {
  return format == TextFormat::json ? parse_json(text, origin) : parse_yaml(text, origin);
}

std::string text_position(const std::string& origin, int line, int column) {
  if (line <= 0) return origin;
  return origin + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace mlops
