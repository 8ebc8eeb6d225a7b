#include "http_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "remote_temp.hpp"
#include "uri_codec.hpp"
#include "xml_lite.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr int kMaxListDepth = 32;
constexpr const char* kPropfindBody =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:resourcetype/><D:getcontentlength/></D:prop></D:propfind>\n";


// "/a/b/" -> "/a/"; "/" -> "".
std::string parent_dir(const std::string& dir) {
  if (dir.size() <= 1) return {};
  auto slash = dir.rfind('/', dir.size() - 2);
  return slash == std::string::npos ? std::string() : dir.substr(0, slash + 1);
}

// The path of an href ("/p" or "http://host/p"), decoded.
std::optional<std::string> href_path(std::string href) {
  href = trim(href);
  if (auto scheme = href.find("://"); scheme != std::string::npos) {
    auto slash = href.find('/', scheme + 3);
    href = slash == std::string::npos ? "/" : href.substr(slash);
  }
  return uri_decode(href);
}

}  // namespace

HttpRemote::HttpRemote(const RemoteSpec& spec) : name_(spec.name) {
  const RemoteUrl& url = spec.url;
  if (url.path.find_first_of("?#") != std::string::npos)
    throw Error(Errc::usage, "remote '" + spec.name + "': the URL " + url.text + " has a query or fragment; give a plain path");
  settings_ = tls_settings(spec);
  settings_.user = spec.option("user", url.user);
  settings_.password = spec.option("password");
  settings_.bearer_token = spec.option("token");
  settings_.netrc = settings_.user.empty() && settings_.password.empty() && settings_.bearer_token.empty();
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  origin_ = url.scheme + "://" + host + (url.port ? ":" + std::to_string(url.port) : "");
  auto decoded = uri_decode(url.path);
  if (!decoded) throw Error(Errc::usage, "remote '" + spec.name + "': bad %-escape in the URL " + url.text);
  base_path_ = *decoded;
  if (base_path_.empty() || base_path_[0] != '/') base_path_.insert(0, "/");
  if (base_path_.back() != '/') base_path_ += '/';
  props_.scheme = url.scheme;
  props_.display = origin_ + uri_encode(base_path_, true);
  if (!settings_.verify_tls) props_.display += " (TLS NOT VERIFIED: ssl_verify is false)";
  props_.default_jobs = 8;
}

std::string HttpRemote::url_of(const std::string& key) const { return origin_ + uri_encode(base_path_ + key, true); }

std::string HttpRemote::what(const std::string& op, const std::string& key) const {
  return "remote '" + name_ + "' (" + props_.display + "): " + op + " " + (key.empty() ? "/" : key);
}

Result<HttpResponse> HttpRemote::send(HttpRequest& req, const std::string& op, const std::string& key) {
  req.method = op;
  auto got = http_send(thread_handle(this), req, settings_, what(op, key));
  if (!got.ok() && got.failure().kind == FailureKind::auth) {
    Failure f = got.failure();
    if (f.message.find("certificate") != std::string::npos || f.message.find("SSL") != std::string::npos)
      f.message += " (the server's certificate is not trusted: set remote." + name_ +
                   ".ca_bundle to the CA that signed it; for a client certificate, check client_cert/client_key)";
    return f;
  }
  return got;
}

Failure HttpRemote::failure(const std::string& op, const std::string& key, const HttpResponse& resp) const {
  std::string msg = what(op, key) + ": " + http_status_text(resp.status);
  if (resp.status == 401) {
    if (!settings_.bearer_token.empty()) msg += ": the server rejected the token (remote." + name_ + ".token)";
    else if (!settings_.user.empty() || !settings_.password.empty())
      msg += ": the server rejected the user name or password (remote." + name_ + ".user, remote." + name_ + ".password)";
    else msg += ": the server wants credentials: set remote." + name_ + ".user and remote." + name_ + ".password, or token";
  } else if (resp.status == 403) {
    msg += ": access denied" + std::string(settings_.client_cert.empty()
                                               ? " (if the server wants a client certificate, set remote." + name_ +
                                                     ".client_cert and client_key)"
                                               : "");
  } else if (resp.status >= 300 && resp.status < 400) {
    std::string location = resp.header("location");
    msg += ": redirected" + (location.empty() ? std::string() : " to " + location) +
           "; set the remote's URL to the final location";
    return {FailureKind::permanent, msg};
  }
  return {classify_http(resp.status), msg};
}

Result<std::vector<bool>> HttpRemote::exists(const std::vector<std::string>& keys) {
  std::vector<bool> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    HttpRequest req;
    req.url = url_of(key);
    auto got = send(req, "HEAD", key);
    if (!got.ok()) return got.failure();
    long status = got.value().status;
    if (is_success(status)) out.push_back(true);
    else if (status == 404 || status == 410) out.push_back(false);
    else return failure("HEAD", key, got.value());
  }
  return out;
}

Result<std::string> HttpRemote::get_bytes(const std::string& key, std::optional<ByteRange> range) {
  std::string out;
  if (range && range->length == 0) return out;
  HttpRequest req;
  req.url = url_of(key);
  req.method = "GET";
  if (range) out.reserve(range->length);
  auto got = http_get_range(thread_handle(this), req, range ? range->offset : 0,
                            range ? std::optional<uint64_t>(range->length) : std::nullopt,
                            [&](std::string_view chunk) {
                              out.append(chunk);
                              return true;
                            },
                            settings_, what("GET", key));
  if (!got.ok()) return got.failure();
  if (!is_success(got.value().status)) return failure("GET", key, got.value());
  return out;
}

Status HttpRemote::get_file(const std::string& key, const fs::path& dst, uint64_t resume_from) {
  int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  UniqueFd guard(fd);
  if (::ftruncate(fd, static_cast<off_t>(resume_from)) != 0 || ::lseek(fd, 0, SEEK_END) < 0)
    return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  HttpRequest req;
  req.url = url_of(key);
  req.method = "GET";
  auto got = http_get_range(thread_handle(this), req, resume_from, std::nullopt,
                            [&](std::string_view chunk) {
                              write_all(fd, chunk.data(), chunk.size(), dst);
                              return true;
                            },
                            settings_, what("GET", key));
  if (!got.ok()) return got.failure();
  if (!is_success(got.value().status)) return failure("GET", key, got.value());
  return ok_status();
}

Status HttpRemote::put_bytes(const std::string& key, std::string_view data) {
  MemorySource body(data);
  return upload(key, body);
}

Status HttpRemote::put_file(const std::string& key, const fs::path& src) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure{FailureKind::permanent, "cannot read " + src.string() + ": " + std::strerror(errno)};
  UniqueFd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return Failure{FailureKind::permanent, "cannot read " + src.string() + ": " + std::strerror(errno)};
  FileRangeSource body(fd, 0, static_cast<uint64_t>(st.st_size), src);
  return upload(key, body);
}

Status HttpRemote::upload(const std::string& key, BodySource& body) {
  const std::string tmp = remote_temp_key(key, std::time(nullptr));
  HttpRequest put;
  put.url = url_of(tmp);
  put.body = &body;
  auto got = send(put, "PUT", key);
  if (got.ok() && (got.value().status == 409 || got.value().status == 404 || got.value().status == 500)) {
    // A missing parent collection: 409 by RFC 4918 (Apache), 500 from nginx
    // without create_full_put_path. Make the parents and try once more.
    std::string parent = parent_dir(base_path_ + key);
    if (Status made = make_collection(parent, 0); !made.ok()) return made;
    body.rewind();
    got = send(put, "PUT", key);
  }
  if (!got.ok()) return got.failure();
  long status = got.value().status;
  if (status == 405 || status == 501)
    return Failure{FailureKind::permanent, what("PUT", key) + ": " + http_status_text(status) +
                                               ": the server does not accept uploads (is it a WebDAV server?)"};
  if (!is_success(status)) return failure("PUT", key, got.value());

  HttpRequest move;
  move.url = url_of(tmp);
  move.headers = {"Destination: " + url_of(key), "Overwrite: F"};
  auto moved = send(move, "MOVE", key);
  if (moved.ok() && (is_success(moved.value().status) || moved.value().status == 412)) {
    // 412: the key already exists; same name, same bytes.
    if (moved.value().status == 412) (void)remove(tmp);
    return ok_status();
  }
  (void)remove(tmp);
  if (!moved.ok()) return moved.failure();
  status = moved.value().status;
  if (status == 405 || status == 501)
    return Failure{FailureKind::permanent, what("MOVE", key) + ": " + http_status_text(status) +
                                               ": the server does not support WebDAV MOVE"};
  return failure("MOVE", key, moved.value());
}

// `dir` is an absolute decoded path ending in '/'. Parents are made first
// when the server says they are missing (409).
Status HttpRemote::make_collection(const std::string& dir, int depth) {
  if (dir.empty() || dir == "/" || depth > kMaxListDepth) return ok_status();
  HttpRequest req;
  req.url = origin_ + uri_encode(dir, true);
  auto got = send(req, "MKCOL", dir);
  if (!got.ok()) return got.failure();
  long status = got.value().status;
  if (status == 409) {
    if (Status made = make_collection(parent_dir(dir), depth + 1); !made.ok()) return made;
    got = send(req, "MKCOL", dir);
    if (!got.ok()) return got.failure();
    status = got.value().status;
  }
  if (is_success(status) || status == 405) return ok_status();  // 405: it exists
  return failure("MKCOL", dir, got.value());
}

Result<std::vector<RemoteEntry>> HttpRemote::list(const std::string& prefix) { return walk(prefix, false); }

Result<std::vector<RemoteEntry>> HttpRemote::list_unfinished(const std::string& prefix) { return walk(prefix, true); }

// Finished keys, or (`unfinished`) only the temps of writes in progress or killed.
Result<std::vector<RemoteEntry>> HttpRemote::walk(const std::string& prefix, bool unfinished) {
  // A prefix that is not a whole directory ("packs/ab") lists its directory
  // and keeps the keys that start with it.
  auto slash = prefix.rfind('/');
  std::string dir = slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
  std::vector<RemoteEntry> all;
  if (Status s = list_collection(dir, all, 0, unfinished); !s.ok()) return s.failure();
  if (dir == prefix) return all;
  std::vector<RemoteEntry> out;
  for (auto& e : all)
    if (starts_with(e.key, prefix)) out.push_back(std::move(e));
  return out;
}

// Appends the files below `dir` (relative to the base path, "" or ending in '/').
Status HttpRemote::list_collection(const std::string& dir, std::vector<RemoteEntry>& out, int depth, bool unfinished) {
  if (depth > kMaxListDepth)
    return Failure{FailureKind::permanent, what("PROPFIND", dir) + ": collections nested too deeply"};
  MemorySource body(kPropfindBody);
  HttpRequest req;
  req.url = url_of(dir);
  req.headers = {"Depth: 1", "Content-Type: application/xml; charset=utf-8"};
  req.body = &body;
  auto got = send(req, "PROPFIND", dir);
  if (!got.ok()) return got.failure();
  const HttpResponse& resp = got.value();
  if (resp.status == 404) return ok_status();  // an absent prefix lists as empty
  if (resp.status != 207) {
    if (resp.status == 405 || resp.status == 501)
      return Failure{FailureKind::permanent, what("PROPFIND", dir) + ": " + http_status_text(resp.status) +
                                                 ": the server does not support WebDAV listings"};
    return failure("PROPFIND", dir, resp);
  }
  std::string error;
  auto doc = parse_xml(resp.body, &error);
  if (!doc || doc->name != "multistatus")
    return Failure{FailureKind::permanent, what("PROPFIND", dir) + ": the server's answer is not a WebDAV multistatus" +
                                               (error.empty() ? std::string() : ": " + error)};
  const std::string self = base_path_ + dir;
  bool saw_self = false;
  for (const XmlElement& r : doc->children) {
    if (r.name != "response") continue;
    auto path = href_path(r.child_text("href"));
    if (!path) return Failure{FailureKind::permanent, what("PROPFIND", dir) + ": bad %-escape in an href"};
    const XmlElement* type = r.find("resourcetype");
    bool collection = (type && type->child("collection")) || (!path->empty() && path->back() == '/');
    std::string p = *path;
    if (collection && (p.empty() || p.back() != '/')) p += '/';
    if (p == self) {
      saw_self = true;
      continue;
    }
    if (!starts_with(p, self) || p.size() == self.size()) continue;  // not below this collection
    std::string name = p.substr(self.size());
    if (collection) {
      if (Status s = list_collection(dir + name, out, depth + 1, unfinished); !s.ok()) return s;
      continue;
    }
    if (name.find('/') != std::string::npos || is_remote_temp_key(name) != unfinished) continue;
    uint64_t size = 0;
    std::string length = trim(r.find("getcontentlength") ? r.find("getcontentlength")->text : "");
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
    if (length.empty() || ec != std::errc() || end != length.data() + length.size())
      return Failure{FailureKind::permanent, what("PROPFIND", dir) + ": no size for " + dir + name};
    out.push_back({dir + name, size});
  }
  if (!saw_self)
    return Failure{FailureKind::permanent, what("PROPFIND", dir) +
                                               ": the server's answer does not describe the collection asked for"};
  return ok_status();
}

Status HttpRemote::remove(const std::string& key) {
  HttpRequest req;
  req.url = url_of(key);
  auto got = send(req, "DELETE", key);
  if (!got.ok()) return got.failure();
  long status = got.value().status;
  if (is_success(status) || status == 404 || status == 410) return ok_status();
  return failure("DELETE", key, got.value());
}

std::unique_ptr<Remote> make_http_remote(const RemoteSpec& spec) { return std::make_unique<HttpRemote>(spec); }

}  // namespace mlops
