#include "pipeline_vars.hpp"

#include <stdexcept>

#include "text.hpp"

namespace mlops {
namespace {

// The node below `root` at parts[1..]; an undefined node when there is none.
// yaml-cpp nodes are handles and assigning to a defined one writes into the
// document, so the walk rebinds with reset().
YAML::Node walk(const YAML::Node& root, const std::vector<std::string>& parts) {
  YAML::Node cur(root);
  for (size_t n = 1; n < parts.size(); ++n) {
    const std::string& p = parts[n];
    const YAML::Node& at = cur;
    YAML::Node next(YAML::NodeType::Undefined);
    if (at.IsMap()) {
      for (const auto& kv : at)
        if (kv.first.Scalar() == p) next.reset(kv.second);
    } else if (at.IsSequence() && !p.empty() && p.size() < 10 && p.find_first_not_of("0123456789") == std::string::npos) {
      size_t i = std::stoul(p);
      if (i < at.size()) next.reset(at[i]);
    }
    if (!next.IsDefined()) return next;
    cur.reset(next);
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

PipelineVars::Scope PipelineVars::entries(const YAML::Node& map) {
  Scope out;
  if (map.IsMap())
    for (const auto& kv : map) out.emplace_back(kv.first.Scalar(), kv.second);
  return out;
}

YAML::Node PipelineVars::lookup(const std::string& name) const {
  auto parts = split(name, '.');
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope)
    for (auto entry = scope->rbegin(); entry != scope->rend(); ++entry) {
      if (entry->first != parts[0]) continue;
      YAML::Node v = walk(entry->second, parts);
      if (v.IsDefined() && !v.IsNull()) return v;
      break;  // hidden entries of the same name are not searched
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
