#pragma once
// The table of every configuration key mlops knows. A key name may contain one
// `*` segment standing for a user-chosen name (`remote.*.url`). Every reader of
// configuration goes through this table, so types, defaults and secrecy live
// in one place; tests/unit/test_config_keys.cpp checks the table itself.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

// The most threads or transfers one -j or *.jobs setting may ask for: more
// than this makes no machine faster, and thread creation fails long before
// a typo's 100000.
inline constexpr int kMaxJobs = 256;

enum class KeyType { string, boolean, integer, size, choice, list };

struct ConfigKey {
  std::string_view name;
  KeyType type;
  std::string_view default_value;  // empty: unset by default
  std::string_view choices;        // choice/list: comma-separated allowed values
  bool secret;                     // printed as *** everywhere
  std::string_view help;
  int64_t min = 0;  // integer keys: the range check_config_value() accepts
  int64_t max = 999'999'999;
};

std::span<const ConfigKey> config_keys();
// The table entry for a concrete key (`remote.origin.url` finds `remote.*.url`).
const ConfigKey* find_config_key(std::string_view name);
// Checks and normalises `value` for `key` ("yes" -> "true", "4k" stays "4k"
// after checking); throws Error(usage) naming the key.
std::string check_config_value(const ConfigKey& key, std::string_view name, std::string_view value);
// Concrete key names close to `name`, for "did you mean".
std::vector<std::string> suggest_config_keys(std::string_view name);
// MLOPS_CORE_LINK_TYPE for core.link_type; empty for pattern keys.
std::string config_env_name(const ConfigKey& key);
std::string_view key_type_name(KeyType t);

}  // namespace mlops
