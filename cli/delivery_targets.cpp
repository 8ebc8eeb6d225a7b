#include "delivery_targets.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "core/error.hpp"
#include "core/text.hpp"
#include "remotes/delivery_transports.hpp"
#include "remotes/health_url.hpp"
#include "remotes/url.hpp"

namespace mlops::cli {
namespace {

struct TransportRow {
  std::string_view scheme;
  std::unique_ptr<DeliveryTransport> (*open)(const Target& target, const RemoteUrl& url);
};

std::unique_ptr<DeliveryTransport> open_file(const Target& t, const RemoteUrl& url) {
  return file_transport(url.path, t.trusted, DevicePolicy{std::nullopt, t.allow_downgrade, health_runner_with_http()});
}

RemoteSpec spec_of(const Target& t, const RemoteUrl& url) {
  return RemoteSpec{t.name, "target", url, t.options};
}

std::unique_ptr<DeliveryTransport> open_ssh(const Target& t, const RemoteUrl& url) {
  return ssh_transport(spec_of(t, url), t.trusted, t.allow_downgrade);
}

std::unique_ptr<DeliveryTransport> open_https(const Target& t, const RemoteUrl& url) {
  return https_transport(spec_of(t, url), t.trusted);
}

constexpr std::array kTransports{
    TransportRow{"file", open_file},
    TransportRow{"ssh", open_ssh},
    TransportRow{"https", open_https},
};

}  // namespace

Target resolve_target(const Config& config, const std::string& name) {
  std::string prefix = "target." + name + ".";
  Target t;
  t.name = name;
  t.url = config.get_string(prefix + "url");
  if (t.url.empty()) {
    std::string msg = "no target named '" + name + "'";
    auto s = suggest(name, config.names_in("target"));
    if (!s.empty()) msg += "; did you mean '" + s.front() + "'?";
    throw Error(Errc::usage, msg + " (see `mlops target list`)");
  }
  t.trusted = decode_trust(config.get_string(prefix + "trust"), name);
  t.retain = static_cast<int>(config.get_int(prefix + "retain"));
  t.allow_downgrade = config.get_bool(prefix + "allow_downgrade");
  for (const auto& [key, value] : config.values())
    if (starts_with(key, prefix)) t.options[key.substr(prefix.size())] = value.value;
  t.options.erase("url");
  t.options.erase("trust");
  return t;
}

std::vector<Target> resolve_targets(const Config& config, const std::string& names) {
  std::vector<Target> out;
  for (const auto& n : split(names, ',')) {
    std::string name = trim(n);
    if (!name.empty()) out.push_back(resolve_target(config, name));
  }
  if (out.empty()) throw Error(Errc::usage, "--to needs at least one target name");
  return out;
}

std::unique_ptr<DeliveryTransport> open_transport(const Target& target) {
  RemoteUrl url = parse_remote_url(target.url);
  for (const auto& row : kTransports)
    if (row.scheme == url.scheme) return row.open(target, url);
  throw Error(Errc::usage, "target " + target.name + ": " + url.scheme +
                               ":// delivery is not supported (supported: " + join(transport_schemes(), ", ") + ")");
}

std::vector<std::string> transport_schemes() {
  std::vector<std::string> out;
  for (const auto& row : kTransports) out.emplace_back(std::string(row.scheme) + "://");
  return out;
}

std::string encode_trust(const std::vector<MinisignPublicKey>& keys) {
  std::vector<std::string> lines;
  for (const auto& k : keys) lines.push_back(encode_public_key_line(k));
  return join(lines, ",");
}

std::vector<MinisignPublicKey> decode_trust(const std::string& value, const std::string& target) {
  std::vector<MinisignPublicKey> out;
  for (const auto& item : split(value, ',')) {
    std::string line = trim(item);
    if (!line.empty()) out.push_back(parse_public_key(line, "target." + target + ".trust"));
  }
  return out;
}

}  // namespace mlops::cli
