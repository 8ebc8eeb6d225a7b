#include "structured_file.hpp"

#include <yaml-cpp/yaml.h>

#include "atomic_file.hpp"
#include "error.hpp"

namespace mlops {
namespace {

nlohmann::json scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: a string whatever it looks like
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  bool b;
  if (YAML::convert<bool>::decode(n, b)) return b;
  int64_t i;
  if (s.find_first_of(".eE") == std::string::npos && YAML::convert<int64_t>::decode(n, i)) return i;
  double d;
  if (YAML::convert<double>::decode(n, d)) return d;
  return s;
}

nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : n) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : n) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar(n);
    default:
      return nullptr;
  }
}

}  // namespace

nlohmann::json read_structured_file(const std::filesystem::path& file) {
  std::string text = read_file(file);
  try {
    return to_json(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw Error(Errc::usage, file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace mlops
