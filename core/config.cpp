#include "config.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "atomic_file.hpp"
#include "config_keys.hpp"
#include "error.hpp"
#include "paths.hpp"
#include "text.hpp"
#include "url_userinfo.hpp"
#include "yaml_load.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string where(const fs::path& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file.string();
  return file.string() + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

YAML::Node load_yaml_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return YAML::Node(YAML::NodeType::Map);
  YAML::Node root = load_yaml(read_yaml_file(file, file.string()), file.string());
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw Error(Errc::usage, where(file, root.Mark()) + ": a config file must be a YAML mapping");
  return root;
}

void flatten(const fs::path& file, const YAML::Node& node, const std::string& prefix,
             std::vector<std::pair<std::string, YAML::Node>>& out) {
  for (const auto& kv : node) {
    std::string name = prefix.empty() ? kv.first.as<std::string>() : prefix + "." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (v.IsMap()) flatten(file, v, name, out);
    else if (!v.IsNull()) out.emplace_back(name, v);
  }
}

std::string scalar_value(const fs::path& file, const std::string& key, const YAML::Node& v) {
  if (v.IsScalar()) return v.Scalar();
  std::vector<std::string> items;
  for (const auto& item : v) {
    if (!item.IsScalar())
      throw Error(Errc::usage, where(file, item.Mark()) + ": " + key + ": list items must be plain values");
    items.push_back(item.Scalar());
  }
  return join(items, ",");
}

void set_value(std::map<std::string, ConfigValue>& values, std::vector<std::string>* unknown,
               const std::string& key, const std::string& raw, ConfigLevel level, const std::string& origin) {
  const ConfigKey* spec = find_config_key(key);
  if (!spec) {
    if (unknown) unknown->push_back(key + " (" + origin + ")");
    values[key] = {raw, level, origin};
    return;
  }
  std::string v;
  try {
    v = check_config_value(*spec, key, raw);
  } catch (const Error& e) {
    throw Error(Errc::usage, origin + ": " + e.what());
  }
  values[key] = {v, level, origin};
}

YAML::Node emit_ready(const std::string& value) { return YAML::Node(value); }

// Files written by `mlops config` read best in block style whatever style
// (e.g. the template's `core: {}`) they were in.
void block_style(YAML::Node node) {
  if (node.IsMap() || node.IsSequence()) {
    node.SetStyle(YAML::EmitterStyle::Block);
    for (auto it = node.begin(); it != node.end(); ++it) block_style(node.IsMap() ? it->second : *it);
  }
}

// A file keeps the mode it has (a user's chmod survives an edit); the local
// file, and any file a secret is written to, is readable by its owner only.
mode_t config_file_mode(const fs::path& file, bool secret) {
  struct stat st {};
  mode_t mode = ::stat(file.c_str(), &st) == 0 ? st.st_mode & 07777 : 0644;
  if (secret || file.filename().string() == kLocalConfigName) mode &= ~mode_t{077};
  return mode;
}

void save_yaml_file(const fs::path& file, YAML::Node root, bool secret = false) {
  block_style(root);
  YAML::Emitter out;
  out << root;
  std::string text = root.size() == 0 ? "{}" : out.c_str();
  write_file_atomic(file, text + "\n", config_file_mode(file, secret));
}

}  // namespace

std::string_view config_level_name(ConfigLevel level) {
  switch (level) {
    case ConfigLevel::builtin: return "default";
    case ConfigLevel::system: return "system";
    case ConfigLevel::global: return "global";
    case ConfigLevel::repo: return "repo";
    case ConfigLevel::local: return "local";
    case ConfigLevel::env: return "env";
    case ConfigLevel::command_line: return "command line";
  }
  return "?";
}

ConfigFiles ConfigFiles::standard(const fs::path& dot_dir) {
  ConfigFiles f;
  const char* sys = std::getenv("MLOPS_SYSTEM_CONFIG");
  f.system = sys && *sys ? fs::path(sys) : fs::path("/etc/mlops/config.yaml");
  f.global = xdg_config_home() / "mlops" / "config.yaml";
  if (!dot_dir.empty()) {
    f.repo = dot_dir / "config.yaml";
    f.local = dot_dir / kLocalConfigName;
  }
  return f;
}

const fs::path& ConfigFiles::file(ConfigLevel level) const {
  switch (level) {
    case ConfigLevel::system: return system;
    case ConfigLevel::global: return global;
    case ConfigLevel::repo: return repo;
    case ConfigLevel::local: return local;
    default: break;
  }
  throw Error(Errc::usage, std::string(config_level_name(level)) + " configuration is not a file");
}

Config Config::load(const ConfigFiles& files, const std::vector<std::pair<std::string, std::string>>& command_line) {
  Config c;
  for (const auto& k : config_keys())
    if (!k.default_value.empty() && k.name.find('*') == std::string_view::npos)
      c.values_[std::string(k.name)] = {std::string(k.default_value), ConfigLevel::builtin, "default"};

  const std::pair<ConfigLevel, const fs::path*> layers[] = {{ConfigLevel::system, &files.system},
                                                            {ConfigLevel::global, &files.global},
                                                            {ConfigLevel::repo, &files.repo},
                                                            {ConfigLevel::local, &files.local}};
  for (const auto& [level, file] : layers)
    if (!file->empty()) c.read_file_layer(*file, level);
  for (const auto& k : config_keys()) {
    std::string env = config_env_name(k);
    if (env.empty()) continue;
    if (const char* v = std::getenv(env.c_str()))
      set_value(c.values_, nullptr, std::string(k.name), v, ConfigLevel::env, env);
  }
  for (const auto& [key, value] : command_line) {
    if (!find_config_key(key)) {
      auto s = suggest_config_keys(key);
      throw Error(Errc::usage, "unknown config key '" + key + "'" + (s.empty() ? "" : "; did you mean '" + s[0] + "'?"));
    }
    set_value(c.values_, nullptr, key, value, ConfigLevel::command_line, "command line");
  }
  return c;
}

Config Config::load_layer(const fs::path& file, ConfigLevel level) {
  Config c;
  c.read_file_layer(file, level);
  return c;
}

void Config::read_file_layer(const fs::path& file, ConfigLevel level) {
  std::vector<std::pair<std::string, YAML::Node>> flat;
  flatten(file, load_yaml_file(file), "", flat);
  for (const auto& [key, node] : flat)
    set_value(values_, &unknown_, key, scalar_value(file, key, node), level, where(file, node.Mark()));
}

std::optional<std::string> Config::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it != values_.end()) return it->second.value;
  if (const ConfigKey* k = find_config_key(key); k && !k->default_value.empty()) return std::string(k->default_value);
  return std::nullopt;
}

std::string Config::get_string(const std::string& key) const { return get(key).value_or(""); }

bool Config::get_bool(const std::string& key) const { return get_string(key) == "true"; }

int64_t Config::get_int(const std::string& key) const {
  auto v = get(key);
  return v && !v->empty() ? std::stoll(*v) : 0;
}

uint64_t Config::get_size(const std::string& key) const {
  auto v = get(key);
  return v ? parse_size(*v, key) : 0;
}

std::vector<std::string> Config::get_list(const std::string& key) const {
  auto v = get(key);
  if (!v || v->empty()) return {};
  return split(*v, ',');
}

std::vector<std::string> Config::names_in(const std::string& section) const {
  std::vector<std::string> names;
  std::string prefix = section + ".";
  for (const auto& [key, value] : values_) {
    if (!starts_with(key, prefix)) continue;
    auto rest = key.substr(prefix.size());
    auto dot = rest.find('.');
    if (dot == std::string::npos) continue;
    std::string name = rest.substr(0, dot);
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

void config_file_set(const fs::path& file, const std::string& key, const std::string& value) {
  if (has_url_password(value))
    throw Error(Errc::usage, "refusing to write " + key + " = " + without_url_passwords(value) + " to " +
                                 file.string() + ": a password in a URL would be stored in plain text; remove it "
                                 "from the URL and set the remote's password or token (kept in config.local.yaml)");
  YAML::Node root = load_yaml_file(file);
  auto parts = split(key, '.');
  // yaml-cpp nodes are handles: walk down by reassigning a handle to each child.
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node child = chain.back()[parts[i]];
    if (!child.IsMap()) {
      if (child.IsDefined() && !child.IsNull())
        throw Error(Errc::usage, file.string() + ": cannot set " + key + ": '" + parts[i] + "' is not a section");
      chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
      child = chain.back()[parts[i]];
    }
    chain.push_back(child);
  }
  chain.back()[parts.back()] = emit_ready(value);
  fs::create_directories(file.parent_path());
  const ConfigKey* spec = find_config_key(key);
  save_yaml_file(file, root, spec && spec->secret);
}

namespace {
bool remove_path(YAML::Node node, const std::vector<std::string>& parts, size_t i) {
  if (!node.IsMap() || !node[parts[i]]) return false;
  if (i + 1 == parts.size()) return node.remove(parts[i]);
  bool removed = remove_path(node[parts[i]], parts, i + 1);
  if (removed && node[parts[i]].IsMap() && node[parts[i]].size() == 0) node.remove(parts[i]);
  return removed;
}

bool remove_and_save(const fs::path& file, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  YAML::Node root = load_yaml_file(file);
  if (!remove_path(root, split(key, '.'), 0)) return false;
  save_yaml_file(file, root);
  return true;
}
}  // namespace

bool config_file_unset(const fs::path& file, const std::string& key) { return remove_and_save(file, key); }

bool config_file_remove_section(const fs::path& file, const std::string& prefix) {
  return remove_and_save(file, prefix);
}

}  // namespace mlops
