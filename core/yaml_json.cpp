#include "yaml_json.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <regex>
#include <string_view>
#include <type_traits>

namespace mlops {
namespace {

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

nlohmann::json plain_scalar(const std::string& s) {
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex real("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex based("0x[0-9a-fA-F]+|0o[0-7]+");
  static const std::regex infinity("[-+]?\\.(inf|Inf|INF)");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  std::string_view digits = s;
  if (digits[0] == '+') digits.remove_prefix(1);
  bool is_integer = std::regex_match(s, integer);
  if (is_integer) {
    if (auto v = parse_whole<int64_t>(digits)) return *v;
    if (auto v = parse_whole<uint64_t>(digits)) return *v;
    // Too large for 64 bits: still a number, as a float.
  }
  if (std::regex_match(s, based))
    if (auto v = parse_whole<int64_t>(std::string_view(s).substr(2), s[1] == 'x' ? 16 : 8)) return *v;
  if (is_integer || std::regex_match(s, real))
    if (auto v = parse_whole<double>(digits)) return *v;
  if (std::regex_match(s, infinity)) return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return s;
}

template <class Json>
Json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) throw YAML::ParserException(kv.first.Mark(), "mapping keys must be plain values");
        obj[kv.first.Scalar()] = convert<Json>(kv.second);
      }
      return obj;
    }
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : node) arr.push_back(convert<Json>(item));
      return arr;
    }
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return node.Tag() == "!" ? Json(node.Scalar()) : Json(plain_scalar(node.Scalar()));
    default:
      return nullptr;
  }
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) { return convert<nlohmann::json>(node); }

nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node) { return convert<nlohmann::ordered_json>(node); }

void emit_json_as_yaml(YAML::Emitter& out, const nlohmann::json& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, item] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      emit_json_as_yaml(out, item);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : v) emit_json_as_yaml(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // A string that would read back as another type is quoted.
    if (!plain_scalar(s).is_string()) out << YAML::DoubleQuoted;
    out << s;
  } else if (v.is_null()) {
    out << YAML::Null;
  } else if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    // JSON has no infinities or NaN (dump() writes null); YAML 1.2 does.
    double d = v.get<double>();
    out << (std::isnan(d) ? ".nan" : d < 0 ? "-.inf" : ".inf");
  } else {
    out << v.dump();
  }
}

std::string canonical_text(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  emit_json_as_yaml(out, value);
  return out.c_str();
}

}  // namespace mlops
