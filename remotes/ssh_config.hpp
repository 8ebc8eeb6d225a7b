#pragma once
// The part of OpenSSH's client configuration (~/.ssh/config) that an ssh://
// remote honours, so `ssh://gpu-box/data` works when `ssh gpu-box` does.
//
// Supported:
//   Host PATTERN...     blocks; patterns use * and ?, `!pattern` negates;
//                       lines before the first Host apply to every host
//   HostName NAME       %h is the alias as written
//   User NAME
//   Port N
//   IdentityFile PATH   the first one; ~, %d (home), %u (local user),
//                       %h (host name) and %r (remote user) expanded
//   UserKnownHostsFile  the first file listed; ~ and %d expanded
// As in ssh, the first value found for a keyword wins; `Keyword=value`,
// `Keyword value` and "quoted values" are accepted, keywords in any case.
// Not supported (ignored): Match blocks (skipped up to the next Host),
// Include, ProxyJump/ProxyCommand, CertificateFile, every other keyword.
// StrictHostKeyChecking is ignored on purpose: host keys are always checked.
#include <filesystem>
#include <string>
#include <string_view>

namespace mlops {

struct SshHostConfig {
  std::string hostname;  // empty: the alias is the host name
  std::string user;
  int port = 0;  // 0: not set
  std::string identity_file;
  std::string known_hosts;
};

struct SshConfigContext {
  std::filesystem::path home;  // for ~ and %d
  std::string local_user;      // for %u
};

// What `text` (a config file's content) says about `host`.
SshHostConfig parse_ssh_config(std::string_view text, const std::string& host, const SshConfigContext& ctx);
// The same for the file at `file`; empty when it does not exist or cannot be read.
SshHostConfig read_ssh_config(const std::filesystem::path& file, const std::string& host, const SshConfigContext& ctx);

// OpenSSH's pattern match: * any run of characters, ? one character.
bool ssh_pattern_match(std::string_view pattern, std::string_view text);

}  // namespace mlops
