#include "url.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.hpp"
#include "core/url_userinfo.hpp"

namespace mlops {
namespace {

Error bad(const std::string& url, const std::string& why) {
  return Error(Errc::usage, "invalid remote URL '" + without_url_passwords(url) + "': " + why);
}

int parse_port(const std::string& url, const std::string& s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw bad(url, "port '" + s + "' is not a number");
  int p = std::stoi(s);
  if (p < 1 || p > 65535) throw bad(url, "port " + s + " is out of range");
  return p;
}

}  // namespace

RemoteUrl parse_remote_url(const std::string& url) {
  RemoteUrl r;
  r.text = without_url_passwords(url);
  if (url.empty()) throw bad(url, "empty");
  if (url.find_first_of("\r\n") != std::string::npos || url.find('\0') != std::string::npos)
    throw bad(url, "contains a control character");
  auto sep = url.find("://");
  if (sep == std::string::npos) {
    r.scheme = "file";
    r.path = std::filesystem::absolute(url).lexically_normal().string();
    return r;
  }
  r.scheme = url.substr(0, sep);
  std::transform(r.scheme.begin(), r.scheme.end(), r.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string rest = url.substr(sep + 3);
  if (r.scheme == "file") {
    if (rest.empty() || rest[0] != '/') throw bad(url, "a file URL needs an absolute path (file:///path)");
    r.path = std::filesystem::path(rest).lexically_normal().string();
    return r;
  }
  if (r.scheme != "ssh" && r.scheme != "s3" && r.scheme != "http" && r.scheme != "https")
    throw bad(url, "unsupported scheme '" + r.scheme + "' (use a path, file://, ssh://, s3://, http:// or https://)");
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (auto at = authority.rfind('@'); at != std::string::npos) {
    r.user = authority.substr(0, at);
    if (r.user.find(':') != std::string::npos)
      throw bad(url, "put passwords in config.local.yaml or the environment, not in the URL");
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority[0] == '[') {  // [::1]:22
    auto close = authority.find(']');
    if (close == std::string::npos) throw bad(url, "unclosed '[' in host");
    r.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') throw bad(url, "unexpected text after ']'");
      r.port = parse_port(url, after.substr(1));
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    r.host = authority.substr(0, colon);
    r.port = parse_port(url, authority.substr(colon + 1));
  } else {
    r.host = authority;
  }
  if (r.host.empty()) throw bad(url, r.scheme == "s3" ? "no bucket" : "no host");
  if (r.scheme == "s3") {
    if (r.port || !r.user.empty()) throw bad(url, "an s3 URL is s3://bucket/prefix (set endpointurl for the server)");
    while (!path.empty() && path[0] == '/') path.erase(0, 1);
    while (!path.empty() && path.back() == '/') path.pop_back();
  } else if (r.scheme == "ssh" && path.empty()) {
    throw bad(url, "an ssh URL needs a path (ssh://host/path)");
  }
  r.path = path;
  return r;
}

}  // namespace mlops
