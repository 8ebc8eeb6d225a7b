#include "pipeline_vars.hpp"

#include <stdexcept>

#include "text.hpp"

namespace mlops {
namespace {

YAML::Node walk(const YAML::Node& root, const std::vector<std::string>& parts) {
  // yaml-cpp nodes are handles; Clone keeps the walk from writing into the scope.
  YAML::Node cur = YAML::Clone(root);
  for (const auto& p : parts) {
    if (cur.IsMap()) {
      YAML::Node next;
      for (const auto& kv : cur)
        if (kv.first.Scalar() == p) next = kv.second;
      if (!next.IsDefined()) return YAML::Node();
      cur = next;
    } else if (cur.IsSequence()) {
      if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos) return YAML::Node();
      size_t i = std::stoul(p);
      if (i >= cur.size()) return YAML::Node();
      cur = cur[i];
    } else {
      return YAML::Node();
    }
  }
  return cur;
}

// The name inside `${ name }`, trimmed; throws on an unterminated reference.
std::string reference_at(const std::string& text, size_t open, size_t* end) {
  size_t close = text.find('}', open + 2);
  if (close == std::string::npos) throw std::invalid_argument("unterminated '${' in '" + text + "'");
  *end = close + 1;
  std::string name = trim(std::string_view(text).substr(open + 2, close - open - 2));
  if (name.empty()) throw std::invalid_argument("empty '${}' in '" + text + "'");
  return name;
}

}  // namespace

YAML::Node PipelineVars::lookup(const std::string& name) const {
  auto parts = split(name, '.');
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    YAML::Node v = walk(*it, parts);
    if (v.IsDefined() && !v.IsNull()) return v;
  }
  return YAML::Node(YAML::NodeType::Null);
}

std::string PipelineVars::interpolate(const std::string& text) const {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t open = text.find("${", pos);
    if (open == std::string::npos) break;
    size_t end = 0;
    std::string name = reference_at(text, open, &end);
    YAML::Node v = lookup(name);
    if (v.IsNull()) throw std::invalid_argument("undefined variable '${" + name + "}'");
    if (!v.IsScalar()) throw std::invalid_argument("'${" + name + "}' is not a single value and cannot be part of a string");
    out.append(text, pos, open - pos);
    out += v.Scalar();
    pos = end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

YAML::Node PipelineVars::whole(const std::string& text) const {
  if (!text.starts_with("${")) return YAML::Node(YAML::NodeType::Null);
  size_t end = 0;
  std::string name = reference_at(text, 0, &end);
  if (end != text.size()) return YAML::Node(YAML::NodeType::Null);
  YAML::Node v = lookup(name);
  if (v.IsNull()) throw std::invalid_argument("undefined variable '${" + name + "}'");
  return v;
}

}  // namespace mlops
