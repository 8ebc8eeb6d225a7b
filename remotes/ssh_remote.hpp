#pragma once
// A remote on an SSH server, `ssh://[user@]host[:port]/path`, spoken as SFTP
// through libcurl's libssh2 backend. The path is absolute; `/~/dir` is `dir`
// in the login (home) directory.
//
// Where the connection settings come from, first found wins:
//   host     HostName of a matching `Host` block in ~/.ssh/config, else the URL's
//   user     the URL, remote.<name>.user, ~/.ssh/config User, $USER
//   port     the URL, remote.<name>.port, ~/.ssh/config Port, 22
//   key      remote.<name>.keyfile, ~/.ssh/config IdentityFile, the first of
//            ~/.ssh/id_ed25519, id_ecdsa, id_rsa; its public half is read
//            from KEY.pub when present, else derived from the private key
//   agent    ssh-agent ($SSH_AUTH_SOCK) is tried after the key file, so
//            passphrase-protected keys work through the agent
//   hosts    remote.<name>.known_hosts, ~/.ssh/config UserKnownHostsFile,
//            ~/.ssh/known_hosts
// (ssh_config.hpp lists the ~/.ssh/config features understood.)
//
// Host keys are always verified: a host missing from known_hosts, or whose
// key differs from the recorded one, is an `auth` failure whose message names
// the remote, the host and the command that fixes it. There is no switch to
// accept unknown hosts.
//
// Sessions: at most remote.<name>.max_sessions (default 4) SSH connections
// per remote, each kept open and reused by later requests; the remote's
// default number of parallel transfers is the same number.
//
// Writes go to `<key>.tmp.<random>` (missing directories are created), then
// an SFTP rename publishes them. OpenSSH's sftp-server cannot rename onto an
// existing file, so when the rename fails and the key exists, the write is a
// success (content-addressed: same name, same bytes) and the temp is
// removed. A crash leaves only temp files (remote_temp.hpp), which list() skips.
//
// list() walks directories; names and sizes come from the server's long
// listing (`ls -l` style lines, which OpenSSH and most servers send), so a
// directory costs one request, not one per file. Symbolic links are skipped.
// exists() opens and stats each key on one borrowed connection. Ranges use
// libcurl's SFTP range support (a seek and a length limit).
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <curl/curl.h>

#include "remote.hpp"
#include "remote_factory.hpp"
#include "ssh_session.hpp"

namespace mlops {

class SshRemote final : public Remote {
 public:
  SshRemote(SshSettings settings, std::string display);
  ~SshRemote() override;
  const RemoteProperties& properties() const override { return props_; }
  Result<std::vector<bool>> exists(const std::vector<std::string>& keys) override;
  Result<std::vector<RemoteEntry>> list(const std::string& prefix) override;
  Result<std::vector<RemoteEntry>> list_unfinished(const std::string& prefix) override;
  Result<std::string> get_bytes(const std::string& key, std::optional<ByteRange> range) override;
  Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::filesystem::path& src) override;
  Status remove(const std::string& key) override;

 private:
  // A session borrowed from the pool for one operation, returned on scope exit.
  class Lease;
  Lease lease();
  void give_back(std::unique_ptr<SshSession> s);

  using Reader = std::function<size_t(char*, size_t)>;
  Status upload(const std::string& key, uint64_t size, const Reader& read);
  Result<std::vector<RemoteEntry>> walk(const std::string& prefix, bool unfinished);
  Result<bool> stat_key(SshSession& s, const std::string& key);
  CURLcode run_command(SshSession& s, const std::string& command);
  std::string path_of(const std::string& key) const;
  Failure invalid(const std::string& what) const;

  SshSettings settings_;
  RemoteProperties props_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SshSession>> idle_;
  int open_sessions_ = 0;  // idle or lent, at most settings_.max_sessions
};

std::unique_ptr<Remote> make_ssh_remote(const RemoteSpec& spec);

}  // namespace mlops
