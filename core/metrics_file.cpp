#include "metrics_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "error.hpp"

namespace mlops {
namespace {

std::string child_key(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

void flatten_into(const Document& node, const std::string& prefix, FlatValues& out) {
  if (node.is_object()) {
    for (const auto& [name, child] : node.items()) flatten_into(child, child_key(prefix, name), out);
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) flatten_into(node[i], child_key(prefix, std::to_string(i)), out);
  } else {
    out.push_back({prefix, node});
  }
}

std::string shortest(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc() ? end : buf);
  // "2" would read as an integer; a float keeps a decimal point.
  if (std::isfinite(v) && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string float_text(double v, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (precision <= 0 || precision > 17) return shortest(v);
  // Round to `precision` significant digits (printf's %g), then print the
  // result in its shortest form: 123456.0 at 5 digits is 123460.0, not 1.2346e+05.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision);
  double rounded = v;
  if (ec == std::errc()) std::from_chars(buf, end, rounded);
  return shortest(rounded == 0 ? 0.0 : rounded);  // no "-0.0"
}

}  // namespace

FlatValues flatten(const Document& doc, const std::string& origin) {
  FlatValues out;
  if (doc.is_null()) return out;
  if (!doc.is_object())
    throw Error(Errc::usage, origin + ": expected a mapping of names to values at the top level, not " +
                                 (doc.is_array() ? "a list" : "a single value"));
  flatten_into(doc, "", out);
  return out;
}

FlatValues parse_metrics(std::string_view text, const std::string& path, const std::string& origin) {
  auto format = structured_format(path);
  if (!format) throw Error(Errc::usage, origin + ": unknown file type; metrics and params files are .json, .yaml or .yml");
  return flatten(parse_structured(text, *format, origin), origin);
}

FlatValues select_keys(const FlatValues& values, const std::vector<std::string>& keys) {
  auto selects = [](std::string_view key, std::string_view sel) {
    return sel.empty() || key == sel || (key.size() > sel.size() && key.starts_with(sel) && key[sel.size()] == '.');
  };
  FlatValues out;
  for (const auto& e : values)
    if (std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return selects(e.key, k); })) out.push_back(e);
  return out;
}

std::string value_text(const Document& value, int precision) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return float_text(value.get<double>(), precision);
  return value.dump();
}

}  // namespace mlops
