#pragma once
// One SFTP connection of an ssh:// remote (ssh_remote.hpp): a libcurl handle
// set up for each request with the remote's user, keys and known_hosts, the
// host-key verdict of its last connect, and the translation of curl's SFTP
// errors into failures that say what to do about them.
#include <curl/curl.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "curl_easy.hpp"
#include "remote_factory.hpp"
#include "result.hpp"

namespace mlops {

struct SshSettings {
  std::string remote_name;  // for messages
  std::string host;         // to connect to (after ~/.ssh/config HostName)
  int port = 22;
  std::string user;
  std::string root;  // directory on the server, without a trailing '/'
  std::string keyfile;         // empty: libcurl's default and ssh-agent
  std::string public_keyfile;  // empty: derived from the private key
  std::string known_hosts;
  int max_sessions = 4;
};

// The settings for `spec` from its URL, its options, `home`/.ssh/config and
// the defaults, in the order ssh_remote.hpp gives. Error(usage) naming the
// remote for a bad port or max_sessions, or a keyfile that does not exist.
SshSettings resolve_ssh_settings(const RemoteSpec& spec, const std::filesystem::path& home);

class SshSession {
 public:
  SshSession(const SshSettings& settings, std::string display);
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  CURL* handle() const { return easy_.get(); }
  // Starts a request on `path` (absolute, on the server; a trailing '/'
  // lists the directory): clears the last request's options, keeps the
  // connection, and sets the URL, user, keys and host-key check.
  void prepare(const std::string& path);
  CURLcode perform();
  // The failed request as a value: classified, naming the remote and `what`,
  // and for host-key and login failures saying how to fix them.
  Failure failure(CURLcode rc, const std::string& what) const;
  // A permanent failure for something no server was asked about.
  Failure invalid(const std::string& what) const;
  // Whether the failed request had an SFTP session (so a clean-up can work).
  static bool reached_server(CURLcode rc);

 private:
  static int check_host_key(CURL*, const curl_khkey* known, const curl_khkey* found, curl_khmatch match, void* self);
  std::string where() const;
  std::string host_key_advice() const;
  std::string login_advice() const;

  const SshSettings& settings_;
  std::string display_;
  char error_[CURL_ERROR_SIZE] = {};
  CurlEasy easy_;  // after error_: cleaned up while its error buffer still exists
  int host_key_match_ = -1;  // curl_khmatch of this request's connect; -1: connection reused
  std::string host_key_;     // "ssh-ed25519 SHA256:…", as the server presented it
};

FailureKind classify_sftp(CURLcode rc, std::string_view detail);

// "sftp://host:port/path", the path percent-encoded.
std::string sftp_url(const std::string& host, int port, const std::string& path);
// A path as an argument of an SFTP quote command ("rename A B", "rm A");
// "/~/x" (home-relative in URLs) becomes the relative "x".
std::string sftp_quote(const std::string& path);

struct SftpListingEntry {
  char type = '?';  // '-' file, 'd' directory, 'l' link, …
  uint64_t size = 0;
  std::string name;
};
// One line of a long listing, "-rw-r--r-- 1 user group 1234 Nov 22 07:20 name";
// nullopt when the line is not one.
std::optional<SftpListingEntry> parse_sftp_listing_line(std::string_view line);

}  // namespace mlops
