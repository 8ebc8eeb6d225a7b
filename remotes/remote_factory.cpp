#include "remote_factory.hpp"

#include <array>

#include "core/error.hpp"
#include "core/text.hpp"
#include "http_remote.hpp"
#include "local_remote.hpp"
#include "remote_decorators.hpp"
#include "s3_remote.hpp"
#include "ssh_remote.hpp"

namespace mlops {
namespace {

constexpr std::array kSchemes{
    RemoteScheme{"file", make_local_remote},
    RemoteScheme{"http", make_http_remote},
    RemoteScheme{"s3", make_s3_remote},
    RemoteScheme{"ssh", make_ssh_remote},
};

}  // namespace

std::string RemoteSpec::option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() || it->second.empty() ? fallback : it->second;
}

std::span<const RemoteScheme> remote_schemes() { return kSchemes; }

std::string choose_remote(const Config& config, const std::string& requested) {
  auto names = config.names_in("remote");
  if (!requested.empty()) {
    if (std::find(names.begin(), names.end(), requested) == names.end()) {
      auto s = suggest(requested, names);
      throw Error(Errc::usage, "no remote named '" + requested + "'" +
                                   (s.empty() ? "" : "; did you mean '" + s.front() + "'?") +
                                   " See `mlops remote list`.");
    }
    return requested;
  }
  std::string def = config.get_string("core.remote");
  if (!def.empty()) {
    if (std::find(names.begin(), names.end(), def) == names.end())
      throw Error(Errc::usage, "core.remote names '" + def + "', which is not a configured remote");
    return def;
  }
  if (names.size() == 1) return names.front();
  if (names.empty()) throw Error(Errc::usage, "no remote configured; add one with `mlops remote add -d NAME URL`");
  throw Error(Errc::usage, "several remotes are configured (" + join(names, ", ") +
                               "); pick one with -r NAME or set a default with `mlops remote default NAME`");
}

RemoteSpec remote_spec(const Config& config, const std::string& name) {
  RemoteSpec spec;
  spec.name = name;
  std::string prefix = "remote." + name + ".";
  for (const auto& [key, value] : config.values())
    if (starts_with(key, prefix)) spec.options[key.substr(prefix.size())] = value.value;
  std::string url = spec.option("url");
  if (url.empty()) throw Error(Errc::usage, "remote '" + name + "' has no url (remote." + name + ".url)");
  spec.url = parse_remote_url(url);
  spec.options.erase("url");
  return spec;
}

std::unique_ptr<Remote> open_remote(const RemoteSpec& spec, const OpenOptions& options) {
  std::string scheme = spec.url.scheme == "https" ? "http" : spec.url.scheme;
  for (const auto& s : kSchemes) {
    if (s.scheme != scheme) continue;
    std::unique_ptr<Remote> r = s.make(spec);
    int jobs = remote_jobs(spec, *r, options.jobs);
    r = std::make_unique<LimitedRemote>(std::move(r), jobs);
    r = std::make_unique<RetryingRemote>(std::move(r), RetryPolicy{});
    if (options.dry_run) r = std::make_unique<DryRunRemote>(std::move(r));
    return r;
  }
  throw Error(Errc::usage, "remote '" + spec.name + "': the " + spec.url.scheme + ":// protocol is not supported yet");
}

int remote_jobs(const RemoteSpec& spec, const Remote& remote, int requested) {
  if (requested > 0) return requested;
  std::string configured = spec.option("jobs");
  if (!configured.empty() && std::stoi(configured) > 0) return std::stoi(configured);
  return remote.properties().default_jobs;
}

}  // namespace mlops
