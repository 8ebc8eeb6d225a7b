#pragma once
// Layered configuration (DESIGN §2), later wins:
//   builtin < system < global < repo < local < environment (MLOPS_*) < command line (-c).
// Files are YAML maps whose nesting spells the dotted key
// (`core: {link_type: copy}` is core.link_type); a sequence is a list value.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

// The uncommitted file of credentials and machine-specific overrides.
inline constexpr std::string_view kLocalConfigName = "config.local.yaml";

enum class ConfigLevel { builtin, system, global, repo, local, env, command_line };
std::string_view config_level_name(ConfigLevel level);

struct ConfigValue {
  std::string value;
  ConfigLevel level;
  std::string origin;  // file path, environment variable, "command line" or "default"
};

struct ConfigFiles {
  std::filesystem::path system;  // /etc/mlops/config.yaml or $MLOPS_SYSTEM_CONFIG
  std::filesystem::path global;  // $XDG_CONFIG_HOME/mlops/config.yaml
  std::filesystem::path repo;    // .mlops/config.yaml (empty outside a repo)
  std::filesystem::path local;   // .mlops/config.local.yaml (empty outside a repo)
  // `dot_dir` is the repository's .mlops directory, or empty outside one.
  static ConfigFiles standard(const std::filesystem::path& dot_dir);
  const std::filesystem::path& file(ConfigLevel level) const;
};

class Config {
 public:
  // Reads every layer; a file with a syntax error or a bad value is an
  // Error(usage) naming the file, line and column.
  static Config load(const ConfigFiles& files,
                     const std::vector<std::pair<std::string, std::string>>& command_line = {});

  // Only what one file sets: no defaults, environment or other layers.
  static Config load_layer(const std::filesystem::path& file, ConfigLevel level);

  std::optional<std::string> get(const std::string& key) const;
  std::string get_string(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  uint64_t get_size(const std::string& key) const;
  std::vector<std::string> get_list(const std::string& key) const;
  // Names N of every `<section>.N.*` key set somewhere (remotes, targets).
  std::vector<std::string> names_in(const std::string& section) const;
  // Effective values, defaults included, sorted by key.
  const std::map<std::string, ConfigValue>& values() const { return values_; }
  // Keys found in files that the key table does not know (kept, reported by doctor).
  const std::vector<std::string>& unknown_keys() const { return unknown_; }

 private:
  std::map<std::string, ConfigValue> values_;
  std::vector<std::string> unknown_;
  void read_file_layer(const std::filesystem::path& file, ConfigLevel level);
};

// Edits one config file in place (atomically), creating it if needed.
void config_file_set(const std::filesystem::path& file, const std::string& key, const std::string& value);
// Removes a key; returns false when it was not set in that file.
bool config_file_unset(const std::filesystem::path& file, const std::string& key);
// Removes a whole `section.name` subtree (remote remove); false when absent.
bool config_file_remove_section(const std::filesystem::path& file, const std::string& prefix);

}  // namespace mlops
