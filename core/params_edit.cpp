#include "params_edit.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "error.hpp"
#include "flat_values.hpp"
#include "out_entry_yaml.hpp"
#include "text.hpp"
#include "yaml_json.hpp"
#include "yaml_load.hpp"

using nlohmann::json;

namespace mlops {
namespace {

std::optional<size_t> list_index(const std::string& part) {
  size_t i = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), i);
  if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
  return i;
}

// The node at `key`, and whether any collection on the way is in flow style
// ({...} or [...], as all of JSON is), where a plain scalar ends at , ] }.
struct Found {
  YAML::Node node;
  bool flow = false;
};

std::optional<Found> find_node(const YAML::Node& doc, const std::string& key) {
  Found f;
  f.node.reset(doc);  // reset() rebinds; assignment would overwrite the document
  for (const auto& part : split(key, '.')) {
    const YAML::Node& cur = f.node;
    f.flow = f.flow || cur.Style() == YAML::EmitterStyle::Flow;
    YAML::Node next;
    if (cur.IsMap() && cur[part]) next.reset(cur[part]);
    else if (auto i = list_index(part); cur.IsSequence() && i && *i < cur.size()) next.reset(cur[*i]);
    else return std::nullopt;
    f.node.reset(next);
  }
  return f;
}

// Where the scalar starting at `pos` ends (one past its last character).
size_t scalar_end(const std::string& text, size_t pos, bool flow) {
  char q = text[pos];
  if (q == '"' || q == '\'') {
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (q == '"' && text[i] == '\\') ++i;
      else if (text[i] == q && q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
      else if (text[i] == q) return i + 1;
    }
    return text.size();
  }
  size_t i = pos;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r') break;
    if (c == '#' && i > pos && (text[i - 1] == ' ' || text[i - 1] == '\t')) break;
    if (flow && (c == ',' || c == ']' || c == '}')) break;
  }
  while (i > pos && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  return i;
}

std::string scalar_text(const json& value, bool json_syntax) {
  if (value.is_string() && !json_syntax) return yaml_string(value.get<std::string>());
  return value.dump();
}

}  // namespace

const json* find_param(const json& doc, const std::string& key) {
  const json* v = &doc;
  for (const auto& part : split(key, '.')) {
    if (v->is_object() && v->contains(part)) v = &(*v)[part];
    else if (auto i = list_index(part); v->is_array() && i && *i < v->size()) v = &(*v)[*i];
    else return nullptr;
  }
  return v;
}

ParamOverride parse_override(const std::string& spec, const std::string& default_file) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(Errc::usage, "-S '" + spec + "': expected [FILE:]KEY=VALUE, such as train.lr=0.01");
  std::string lhs = spec.substr(0, eq);
  ParamOverride o;
  size_t colon = lhs.rfind(':');
  o.file = colon == std::string::npos ? default_file : lhs.substr(0, colon);
  o.key = colon == std::string::npos ? lhs : lhs.substr(colon + 1);
  if (o.file.empty() || o.key.empty() || o.key.front() == '.' || o.key.back() == '.')
    throw Error(Errc::usage, "-S '" + spec + "': expected [FILE:]KEY=VALUE, such as train.lr=0.01");
  YAML::Node value;
  try {
    value = YAML::Load(spec.substr(eq + 1));
  } catch (const YAML::Exception&) {
  }
  if (!value.IsScalar() && !value.IsNull())
    throw Error(Errc::usage, "-S '" + spec + "': the value must be one scalar (a number, string, boolean or null)");
  o.value = yaml_to_json(value);
  return o;
}

std::string set_param(const std::string& text, const std::string& origin, const std::string& key,
                      const json& value) {
  YAML::Node doc = load_yaml(text, origin);
  auto found = find_node(doc, key);
  if (!found) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : flatten(yaml_to_json(doc))) keys.push_back(k);
    auto close = suggest(key, keys);
    throw Error(Errc::usage, origin + " has no param '" + key + "'" +
                                 (close.empty() ? std::string() : " (did you mean '" + close.front() + "'?)"));
  }
  const YAML::Node& node = found->node;
  YAML::Mark mark = node.Mark();
  std::string where = origin + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  if (!node.IsScalar() && !node.IsNull())
    throw Error(Errc::usage, where + ": param '" + key + "' is a " + (node.IsMap() ? "section" : "list") +
                                 "; set its values one at a time");
  size_t pos = static_cast<size_t>(mark.pos);
  if (pos >= text.size() || std::string_view("|>&*!").find(text[pos]) != std::string_view::npos)
    throw Error(Errc::usage, where + ": param '" + key + "' is written in a form mlops cannot edit in place");
  bool json_syntax = found->flow || origin.ends_with(".json");
  std::string out = text;
  out.replace(pos, scalar_end(text, pos, found->flow) - pos, scalar_text(value, json_syntax));
  // Read it back: the edit must have changed this value and nothing else.
  FlatValues expected = flatten(yaml_to_json(doc));
  expected[key] = value;
  if (flatten(yaml_to_json(load_yaml(out, origin))) != expected)
    throw Error(Errc::usage, where + ": param '" + key + "' could not be set in place to " + value.dump());
  return out;
}

}  // namespace mlops
