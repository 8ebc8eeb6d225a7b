#include "ssh_config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Splits a config line into words; "double quotes" group words with spaces.
std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::string w;
    if (line[i] == '"') {
      size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) close = line.size();
      w = line.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) w += line[i++];
    }
    out.push_back(std::move(w));
  }
  return out;
}

// "Keyword value", "Keyword=value" and "Keyword = value" -> {keyword, args}.
std::pair<std::string, std::vector<std::string>> keyword_and_args(std::string_view line) {
  std::string text(line);
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return {};
  size_t end = text.find_first_of(" \t=", start);
  std::string keyword = lower(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
  std::string rest = end == std::string::npos ? "" : text.substr(end);
  size_t value = rest.find_first_not_of(" \t");
  if (value != std::string::npos && rest[value] == '=') rest = rest.substr(value + 1);
  return {keyword, words(rest)};
}

bool host_matches(const std::vector<std::string>& patterns, const std::string& host) {
  bool matched = false;
  for (const auto& p : patterns) {
    if (!p.empty() && p[0] == '!') {
      if (ssh_pattern_match(lower(p.substr(1)), host)) return false;  // a negated match vetoes the block
    } else if (ssh_pattern_match(lower(p), host)) {
      matched = true;
    }
  }
  return matched;
}

std::string expand(const std::string& value, const SshConfigContext& ctx, const std::string& host) {
  std::string out;
  std::string v = value;
  if (v == "~" || starts_with(v, "~/")) v = ctx.home.string() + v.substr(1);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '%' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    switch (v[++i]) {
      case '%': out += '%'; break;
      case 'd': out += ctx.home.string(); break;
      case 'u': out += ctx.local_user; break;
      case 'h': out += host; break;
      default: out += '%', out += v[i];  // unsupported token: kept as written
    }
  }
  return out;
}

}  // namespace

bool ssh_pattern_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with one backtrack point (the last *).
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

SshHostConfig parse_ssh_config(std::string_view text, const std::string& host, const SshConfigContext& ctx) {
  SshHostConfig out;
  std::string alias = lower(host);
  bool active = true;  // lines before the first Host apply to every host
  bool have_hostname = false, have_user = false, have_port = false, have_identity = false, have_known = false;
  for (const auto& raw : split(text, '\n')) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto [keyword, args] = keyword_and_args(line);
    if (keyword == "host") {
      active = host_matches(args, alias);
      continue;
    }
    if (keyword == "match") {
      active = false;  // not supported: its lines are skipped
      continue;
    }
    if (!active || args.empty()) continue;
    if (keyword == "hostname" && !have_hostname) {
      out.hostname = expand(args[0], ctx, host);
      have_hostname = true;
    } else if (keyword == "user" && !have_user) {
      out.user = args[0];
      have_user = true;
    } else if (keyword == "port" && !have_port) {
      const std::string& p = args[0];
      if (!p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); })) {
        int n = std::stoi(p);
        if (n >= 1 && n <= 65535) out.port = n;
      }
      have_port = true;
    } else if (keyword == "identityfile" && !have_identity) {
      out.identity_file = args[0];  // expanded below, once HostName is known
      have_identity = true;
    } else if (keyword == "userknownhostsfile" && !have_known) {
      out.known_hosts = expand(args[0], ctx, host);
      have_known = true;
    }
  }
  if (have_identity) out.identity_file = expand(out.identity_file, ctx, out.hostname.empty() ? host : out.hostname);
  return out;
}

SshHostConfig read_ssh_config(const fs::path& file, const std::string& host, const SshConfigContext& ctx) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_ssh_config(text.str(), host, ctx);
}

}  // namespace mlops
