#include "ssh_session.hpp"

#include <openssl/evp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/text.hpp"
#include "ssh_config.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr long kTransferBuffer = 1L << 20;  // 1 MiB; 2 MiB (libcurl's cap) made pulls slower

std::string local_user_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "root";
}

std::string expand_home(const std::string& path, const fs::path& home) {
  if (path == "~" || starts_with(path, "~/")) return home.string() + path.substr(1);
  return path;
}

bool readable(const std::string& path) { return !path.empty() && ::access(path.c_str(), R_OK) == 0; }

int positive_option(const RemoteSpec& spec, const std::string& key, int max) {
  std::string v = spec.option(key);
  bool digits = !v.empty() && v.size() <= 6 && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits || std::stoi(v) < 1 || std::stoi(v) > max)
    throw Error(Errc::usage, spec.section + " '" + spec.name + "': " + key + " must be a number from 1 to " +
                                 std::to_string(max) + ", not '" + v + "' (" + spec.section + "." + spec.name + "." +
                                 key + ")");
  return std::stoi(v);
}

std::string key_type_name(curl_khtype t) {
  switch (t) {
    case CURLKHTYPE_RSA1: return "rsa1";
    case CURLKHTYPE_RSA: return "ssh-rsa";
    case CURLKHTYPE_DSS: return "ssh-dss";
    case CURLKHTYPE_ECDSA: return "ecdsa";
    case CURLKHTYPE_ED25519: return "ssh-ed25519";
    default: return "unknown";
  }
}

// "SHA256:<base64, unpadded>", as `ssh-keygen -l` prints it.
std::string fingerprint(const curl_khkey& key) {
  if (!key.key || key.len == 0) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_Digest(key.key, key.len, md, &md_len, EVP_sha256(), nullptr) != 1) return "";
  std::string b64(4 * ((md_len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), md, static_cast<int>(md_len));
  b64.resize(static_cast<size_t>(n));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

// Ctrl-C stops a transfer between two blocks rather than at its end.
int stop_when_interrupted(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return interrupt_requested() ? 1 : 0;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

SshSettings resolve_ssh_settings(const RemoteSpec& spec, const fs::path& home) {
  SshSettings s;
  s.remote_name = spec.name;
  std::string local_user = local_user_name();
  SshHostConfig config = read_ssh_config(home / ".ssh" / "config", spec.url.host, {home, local_user});
  s.host = config.hostname.empty() ? spec.url.host : config.hostname;
  if (spec.url.port) s.port = spec.url.port;
  else if (!spec.option("port").empty()) s.port = positive_option(spec, "port", 65535);
  else if (config.port) s.port = config.port;
  s.user = !spec.url.user.empty() ? spec.url.user : spec.option("user", config.user.empty() ? local_user : config.user);
  s.root = spec.url.path;
  while (!s.root.empty() && s.root.back() == '/') s.root.pop_back();

  if (std::string key = expand_home(spec.option("keyfile"), home); !key.empty()) {
    if (!readable(key))
      throw Error(Errc::usage, spec.section + " '" + spec.name + "': keyfile " + key +
                                   " does not exist or cannot be read (" + spec.section + "." + spec.name + ".keyfile)");
    s.keyfile = key;
  } else if (readable(config.identity_file)) {
    s.keyfile = config.identity_file;
  } else {
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"})
      if (std::string candidate = (home / ".ssh" / name).string(); readable(candidate)) {
        s.keyfile = candidate;
        break;
      }
  }
  if (readable(s.keyfile + ".pub")) s.public_keyfile = s.keyfile + ".pub";

  s.known_hosts = expand_home(spec.option("known_hosts"), home);
  if (s.known_hosts.empty()) s.known_hosts = config.known_hosts;
  if (s.known_hosts.empty()) s.known_hosts = (home / ".ssh" / "known_hosts").string();
  if (!spec.option("max_sessions").empty()) s.max_sessions = positive_option(spec, "max_sessions", 64);
  return s;
}

SshSession::SshSession(const SshSettings& settings, std::string display)
    : settings_(settings), display_(std::move(display)) {}

void SshSession::prepare(const std::string& path) {
  easy_.reset();
  error_[0] = '\0';
  host_key_match_ = -1;
  host_key_.clear();
  CURL* h = easy_.get();
  std::string url = sftp_url(settings_.host, settings_.port, path);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "sftp");
  curl_easy_setopt(h, CURLOPT_USERNAME, settings_.user.c_str());
  curl_easy_setopt(h, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY | CURLSSH_AUTH_AGENT));
  if (!settings_.keyfile.empty()) {
    curl_easy_setopt(h, CURLOPT_SSH_PRIVATE_KEYFILE, settings_.keyfile.c_str());
    // An empty string makes libssh2 derive the public key from the private one.
    curl_easy_setopt(h, CURLOPT_SSH_PUBLIC_KEYFILE, settings_.public_keyfile.c_str());
  }
  curl_easy_setopt(h, CURLOPT_SSH_KNOWNHOSTS, settings_.known_hosts.c_str());
  curl_easy_setopt(h, CURLOPT_SSH_KEYFUNCTION, &SshSession::check_host_key);
  curl_easy_setopt(h, CURLOPT_SSH_KEYDATA, this);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, stop_when_interrupted);
  // libssh2 keeps as many SFTP write and read requests in flight as the
  // buffer it is handed holds: libcurl's 64 KiB default leaves the link idle
  // between round trips.
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kTransferBuffer);
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, kTransferBuffer);
}

CURLcode SshSession::perform() {
  error_[0] = '\0';
  return curl_easy_perform(easy_.get());
}

// Accepts only a key that known_hosts records for this host: an unknown or
// changed key ends the connection (curl then fails with
// CURLE_PEER_FAILED_VERIFICATION), and known_hosts is never written.
int SshSession::check_host_key(CURL*, const curl_khkey*, const curl_khkey* found, curl_khmatch match, void* self) {
  auto* s = static_cast<SshSession*>(self);
  s->host_key_match_ = match;
  if (found) s->host_key_ = key_type_name(found->keytype) + " " + fingerprint(*found);
  return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}

std::string SshSession::where() const { return "remote '" + settings_.remote_name + "' (" + display_ + ")"; }

std::string SshSession::host_key_advice() const {
  const std::string& host = settings_.host;
  std::string port = std::to_string(settings_.port);
  bool standard = settings_.port == 22;
  std::string shown = standard ? host : host + ":" + port;
  std::string entry = standard ? host : "[" + host + "]:" + port;
  std::string scan = (standard ? "ssh-keyscan " : "ssh-keyscan -p " + port + " ") + host + " >> " + settings_.known_hosts;
  std::string presented = host_key_.empty() ? "" : " (" + host_key_ + ")";
  if (host_key_match_ == CURLKHMATCH_MISMATCH)
    return "the host key that " + shown + " presented" + presented + " does not match the one recorded in " + settings_.known_hosts +
           ": someone may be intercepting the connection, or the server's key was changed. If the change is "
           "expected, remove the old entry with `ssh-keygen -R '" + entry + "' -f " + settings_.known_hosts +
           "` and add the new one with `" + scan + "`";
  std::string file_note = ::access(settings_.known_hosts.c_str(), R_OK) == 0 ? "" : " (which does not exist)";
  return "the host " + shown + " is not in " + settings_.known_hosts + file_note + ", so its key" + presented +
         " cannot be verified and was not trusted. If this is the right server, add its key with `" + scan +
         "` (set remote." + settings_.remote_name + ".known_hosts to use another file)";
}

std::string SshSession::login_advice() const {
  std::string tried = settings_.keyfile.empty() ? "ssh-agent" : "key " + settings_.keyfile + " and ssh-agent";
  return settings_.user + "@" + settings_.host + ":" + std::to_string(settings_.port) + " refused the login (tried " +
         tried + "). Check remote." + settings_.remote_name + ".user and remote." + settings_.remote_name +
         ".keyfile, and that the public key is in ~/.ssh/authorized_keys on the server";
}

Failure SshSession::failure(CURLcode rc, const std::string& what) const {
  std::string detail = error_[0] ? error_ : curl_easy_strerror(rc);
  if (rc == CURLE_PEER_FAILED_VERIFICATION || (host_key_match_ >= 0 && host_key_match_ != CURLKHMATCH_OK))
    return {FailureKind::auth, where() + ": " + what + ": " + host_key_advice()};
  if (rc == CURLE_LOGIN_DENIED) return {FailureKind::auth, where() + ": " + what + ": " + login_advice() + " (" + detail + ")"};
  if (rc == CURLE_ABORTED_BY_CALLBACK) return {FailureKind::permanent, where() + ": " + what + ": interrupted"};
  return {classify_sftp(rc, detail), where() + ": " + what + ": " + detail};
}

Failure SshSession::invalid(const std::string& what) const { return {FailureKind::permanent, where() + ": " + what}; }

bool SshSession::reached_server(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_LOGIN_DENIED:
    case CURLE_FAILED_INIT:
    case CURLE_ABORTED_BY_CALLBACK:
      return false;
    default:
      return true;
  }
}

FailureKind classify_sftp(CURLcode rc, std::string_view detail) {
  switch (rc) {
    case CURLE_REMOTE_FILE_NOT_FOUND: return FailureKind::not_found;
    case CURLE_LOGIN_DENIED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_REMOTE_ACCESS_DENIED:  // SFTP "permission denied": the account may not do this
      return FailureKind::auth;
    case CURLE_REMOTE_DISK_FULL: return FailureKind::permanent;
    case CURLE_QUOTE_ERROR:
    case CURLE_UPLOAD_FAILED:
    case CURLE_SSH:
    case CURLE_FAILED_INIT:  // libssh2 session start-up
      // These codes cover many SFTP statuses; curl's text names the one.
      if (contains(detail, "No such file")) return FailureKind::not_found;
      if (contains(detail, "Permission denied")) return FailureKind::auth;
      for (std::string_view t : {"Connection lost", "No connection", "ocket", "isconnect", "imeout", "timed out", "banner"})
        if (contains(detail, t)) return FailureKind::transient;
      return FailureKind::permanent;
    default:
      return classify_curl(rc);
  }
}

std::string sftp_url(const std::string& host, int port, const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string url = "sftp://";
  url += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  url += ":" + std::to_string(port);
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') url += static_cast<char>(c);
    else url += '%', url += hex[c >> 4], url += hex[c & 15];
  }
  return url;
}

std::string sftp_quote(const std::string& path) {
  // curl expands "/~/" in URLs but not in quoted command arguments; a
  // relative path is the same place, since SFTP servers resolve relative
  // paths against the login (home) directory.
  std::string_view p = path;
  if (p.substr(0, 3) == "/~/") p.remove_prefix(3);
  std::string out = "\"";
  for (char c : p) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::optional<SftpListingEntry> parse_sftp_listing_line(std::string_view line) {
  // perms links owner group size month day time-or-year name
  std::string_view fields[8];
  size_t i = 0;
  for (auto& f : fields) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (start == i) return std::nullopt;
    f = line.substr(start, i - start);
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::string_view name = line.substr(i);
  while (!name.empty() && (name.back() == '\r' || name.back() == '\n')) name.remove_suffix(1);
  std::string_view size = fields[4];
  if (name.empty() || fields[0].size() < 10 || size.empty() || size.size() > 19 ||
      !std::all_of(size.begin(), size.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  SftpListingEntry e;
  e.type = fields[0][0];
  e.size = std::stoull(std::string(size));
  e.name = std::string(name);
  if (e.type == 'l')
    if (auto arrow = e.name.find(" -> "); arrow != std::string::npos) e.name.resize(arrow);
  return e;
}

}  // namespace mlops
