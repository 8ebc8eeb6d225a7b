#include "flat_values.hpp"

namespace mlops {

void flatten_into(const nlohmann::json& value, const std::string& prefix, FlatValues& out) {
  auto child = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) flatten_into(v, child(k), out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) flatten_into(value[i], child(std::to_string(i)), out);
  } else if (!prefix.empty()) {
    out[prefix] = value;
  }
}

FlatValues flatten(const nlohmann::json& doc) {
  FlatValues out;
  flatten_into(doc, "", out);
  return out;
}

}  // namespace mlops
