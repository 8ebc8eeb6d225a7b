#include "structured_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <regex>
#include <type_traits>

#include "error.hpp"

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
  try {
    return Document::parse(text);
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

// The whole of `s` as a T (base applies to integers only); nullopt otherwise.
template <class T>
std::optional<T> parse_whole(std::string_view s, int base = 10) {
  T v{};
  std::from_chars_result r;
  if constexpr (std::is_floating_point_v<T>) r = std::from_chars(s.data(), s.data() + s.size(), v);
  else r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// A plain YAML scalar typed by the YAML 1.2 core schema.
Document plain_scalar(const std::string& s) {
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex real("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex infinity("[-+]?\\.(inf|Inf|INF)");
  static const std::regex based("0x[0-9a-fA-F]+|0o[0-7]+");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  if (std::regex_match(s, integer)) {
    if (auto v = parse_whole<int64_t>(digits)) return *v;
    if (auto v = parse_whole<uint64_t>(digits)) return *v;
    // Too large for 64 bits: still a number, as a float.
  }
  if (std::regex_match(s, based)) {
    if (auto v = parse_whole<int64_t>(std::string_view(s).substr(2), s[1] == 'x' ? 16 : 8)) return *v;
  }
  if (std::regex_match(s, integer) || std::regex_match(s, real)) {
    if (auto v = parse_whole<double>(digits)) return *v;
  }
  if (std::regex_match(s, infinity)) return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return s;
}

Document from_yaml(const YAML::Node& n, const std::string& origin) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar:
      // Quoted scalars carry the tag "!", plain ones "?"; explicit tags keep the text.
      return n.Tag() == "?" ? plain_scalar(n.Scalar()) : Document(n.Scalar());
    case YAML::NodeType::Sequence: {
      Document out = Document::array();
      for (const auto& item : n) out.push_back(from_yaml(item, origin));
      return out;
    }
    case YAML::NodeType::Map: {
      Document out = Document::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar())
          throw malformed(origin, kv.first.Mark().line + 1, kv.first.Mark().column + 1, "YAML",
                          "mapping keys must be plain values");
        out[kv.first.Scalar()] = from_yaml(kv.second, origin);
      }
      return out;
    }
  }
  return nullptr;
}

Document parse_yaml(std::string_view text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) throw malformed(origin, 0, 0, "YAML", e.msg);
    throw malformed(origin, e.mark.line + 1, e.mark.column + 1, "YAML", e.msg);
  }
  return from_yaml(root, origin);
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
