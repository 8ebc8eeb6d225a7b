#include "config_keys.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

constexpr std::string_view kLinkTypes = "reflink,hardlink,symlink,copy";
constexpr std::string_view kWhen = "auto,always,never";
constexpr std::string_view kCompress = "false,true,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19";

constexpr std::array kKeys{
    ConfigKey{"core.cache_dir", KeyType::string, "", "", false,
              "cache directory (default .mlops/cache); may be shared between clones"},
    ConfigKey{"core.link_type", KeyType::list, "reflink,copy", kLinkTypes, false,
              "how the workspace is materialised from the cache, first that works wins"},
    ConfigKey{"core.pack_threshold", KeyType::size, "1MiB", "", false,
              "objects smaller than this go into pack files, larger ones are loose files"},
    ConfigKey{"core.jobs", KeyType::integer, "0", "", false, "parallel jobs for local work (0: one per core)", 0,
              kMaxJobs},
    ConfigKey{"core.lock_timeout", KeyType::integer, "30", "", false,
              "seconds to wait for another mlops process to release the repository lock", 0, 86400},
    ConfigKey{"core.remote", KeyType::string, "", "", false, "name of the default remote"},
    ConfigKey{"ui.color", KeyType::choice, "auto", kWhen, false, "colour in human output"},
    ConfigKey{"ui.progress", KeyType::choice, "auto", kWhen, false, "progress reports on stderr"},
    ConfigKey{"remote.*.url", KeyType::string, "", "", false, "location of the remote"},
    ConfigKey{"remote.*.jobs", KeyType::integer, "", "", false, "parallel transfers to this remote", 0, kMaxJobs},
    // DVC's name, so carried-over configs keep working; DVC lets it be turned
    // off, mlops never trusts a remote's bytes (DESIGN §9).
    ConfigKey{"remote.*.verify", KeyType::choice, "true", "true", false,
              "every downloaded object is re-hashed before it enters the cache; always on, so only true is "
              "accepted"},
    ConfigKey{"remote.*.compress", KeyType::choice, "false", kCompress, false,
              "push stores objects zstd-compressed (true: level 3, or a level 1-19) where that shrinks "
              "them; any client reads both forms"},
    ConfigKey{"remote.*.endpointurl", KeyType::string, "", "", false, "S3: endpoint of an S3-compatible store"},
    ConfigKey{"remote.*.region", KeyType::string, "", "", false, "S3: region"},
    ConfigKey{"remote.*.profile", KeyType::string, "", "", false, "S3: profile in ~/.aws/credentials"},
    ConfigKey{"remote.*.access_key_id", KeyType::string, "", "", false, "S3: access key id"},
    ConfigKey{"remote.*.secret_access_key", KeyType::string, "", "", true, "S3: secret access key"},
    ConfigKey{"remote.*.session_token", KeyType::string, "", "", true, "S3: session token"},
    ConfigKey{"remote.*.addressing", KeyType::choice, "path", "path,virtual", false, "S3: bucket addressing"},
    ConfigKey{"remote.*.multipart_threshold", KeyType::size, "64MiB", "", false,
              "S3: files this large and larger go up in parts, resumed after an interruption"},
    ConfigKey{"remote.*.multipart_chunksize", KeyType::size, "8MiB", "", false,
              "S3: size of those parts (5MiB to 5GiB)"},
    ConfigKey{"remote.*.user", KeyType::string, "", "", false, "SSH/HTTP: user name"},
    ConfigKey{"remote.*.port", KeyType::integer, "", "", false, "SSH: port", 1, 65535},
    ConfigKey{"remote.*.keyfile", KeyType::string, "", "", false, "SSH: private key file"},
    ConfigKey{"remote.*.known_hosts", KeyType::string, "", "", false, "SSH: known_hosts file"},
    ConfigKey{"remote.*.max_sessions", KeyType::integer, "", "", false, "SSH: connection cap", 1, 64},
    ConfigKey{"remote.*.password", KeyType::string, "", "", true, "HTTP: password"},
    ConfigKey{"remote.*.token", KeyType::string, "", "", true, "HTTP: bearer token"},
    ConfigKey{"remote.*.ca_bundle", KeyType::string, "", "", false, "HTTP: CA certificates file"},
    ConfigKey{"remote.*.client_cert", KeyType::string, "", "", false, "HTTP: client certificate (mTLS)"},
    ConfigKey{"remote.*.client_key", KeyType::string, "", "", false, "HTTP: client key (mTLS)"},
    ConfigKey{"remote.*.ssl_verify", KeyType::boolean, "true", "", false, "HTTP: verify the server's certificate"},
    ConfigKey{"target.*.url", KeyType::string, "", "", false, "edge target location"},
    ConfigKey{"target.*.trust", KeyType::string, "", "", false,
              "public keys (minisign base64 lines, comma-separated) whose bundles the target accepts"},
    ConfigKey{"target.*.retain", KeyType::integer, "3", "", false,
              "versions a target keeps per model, the current and previous ones included", 1, 1000},
    ConfigKey{"target.*.allow_downgrade", KeyType::boolean, "false", "", false,
              "file:// and ssh://: a deploy may activate a version older than the current one (an https:// "
              "agent decides with its own --allow-downgrade)"},
    ConfigKey{"target.*.user", KeyType::string, "", "", false, "SSH: user name on the device"},
    ConfigKey{"target.*.port", KeyType::integer, "", "", false, "SSH: port", 1, 65535},
    ConfigKey{"target.*.keyfile", KeyType::string, "", "", false, "SSH: private key file (target add --identity)"},
    ConfigKey{"target.*.known_hosts", KeyType::string, "", "", false, "SSH: known_hosts file"},
    ConfigKey{"target.*.mlops_path", KeyType::string, "mlops", "", false, "SSH: the mlops program on the device"},
    ConfigKey{"target.*.ca", KeyType::string, "", "", false, "HTTPS: CA certificates (PEM) the agent's certificate must chain to"},
    ConfigKey{"target.*.cert", KeyType::string, "", "", false, "HTTPS: client certificate (PEM) for mTLS"},
    ConfigKey{"target.*.key", KeyType::string, "", "", false, "HTTPS: client certificate's private key (PEM)"},
    ConfigKey{"target.*.token", KeyType::string, "", "", true, "HTTPS: bearer token for the agent"},
};

// Splits "remote.origin.url" against "remote.*.url"; true when they match.
bool matches(std::string_view pattern, std::string_view name) {
  auto p = split(pattern, '.');
  auto n = split(name, '.');
  if (p.size() != n.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (n[i].empty()) return false;
    if (p[i] != "*" && p[i] != n[i]) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

const ConfigKey* find_config_key(std::string_view name) {
  for (const auto& k : kKeys)
    if (matches(k.name, name)) return &k;
  return nullptr;
}

std::string check_config_value(const ConfigKey& key, std::string_view name, std::string_view raw) {
  std::string value = trim(raw);
  auto bad = [&](std::string_view expected) {
    return Error(Errc::usage, "invalid value '" + value + "' for " + std::string(name) + ": expected " +
                                  std::string(expected));
  };
  switch (key.type) {
    case KeyType::string:
      return value;
    case KeyType::boolean: {
      std::string v = lower(value);
      if (v == "true" || v == "yes" || v == "on" || v == "1") return "true";
      if (v == "false" || v == "no" || v == "off" || v == "0") return "false";
      throw bad("true or false");
    }
    case KeyType::integer: {
      std::string range = "a whole number from " + std::to_string(key.min) + " to " + std::to_string(key.max);
      if (value.empty() || value.size() > 9 ||
          !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw bad(range);
      if (int64_t n = std::stoll(value); n < key.min || n > key.max) throw bad(range);
      return value;
    }
    case KeyType::size:
      parse_size(value, name);
      return value;
    case KeyType::choice: {
      auto allowed = split(key.choices, ',');
      for (const auto& c : allowed)
        if (c == value) return value;
      if (allowed.size() == 1) throw bad(std::string(key.choices) + " (" + std::string(key.help) + ")");
      throw bad("one of " + std::string(key.choices));
    }
    case KeyType::list: {
      auto allowed = split(key.choices, ',');
      std::vector<std::string> items;
      for (const auto& item : split(value, ',')) {
        std::string t = trim(item);
        if (std::find(allowed.begin(), allowed.end(), t) == allowed.end())
          throw bad("a comma-separated list of " + std::string(key.choices));
        items.push_back(t);
      }
      return join(items, ",");
    }
  }
  return value;
}

std::vector<std::string> suggest_config_keys(std::string_view name) {
  std::vector<std::string> candidates;
  auto parts = split(name, '.');
  for (const auto& k : kKeys) {
    std::string concrete(k.name);
    // Fill the pattern's `*` with what the user wrote at that position.
    auto kp = split(k.name, '.');
    if (kp.size() == parts.size()) {
      for (size_t i = 0; i < kp.size(); ++i)
        if (kp[i] == "*") kp[i] = parts[i];
      concrete = join(kp, ".");
    }
    candidates.push_back(concrete);
  }
  return suggest(name, candidates);
}

std::string config_env_name(const ConfigKey& key) {
  if (key.name.find('*') != std::string_view::npos) return "";
  std::string out = "MLOPS_";
  for (char c : key.name) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view key_type_name(KeyType t) {
  switch (t) {
    case KeyType::string: return "string";
    case KeyType::boolean: return "boolean";
    case KeyType::integer: return "integer";
    case KeyType::size: return "size";
    case KeyType::choice: return "choice";
    case KeyType::list: return "list";
  }
  return "?";
}

}  // namespace mlops
