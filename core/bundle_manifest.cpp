#include "bundle_manifest.hpp"

#include <algorithm>
#include <unordered_set>

#include "error.hpp"

using nlohmann::json;

namespace mlops {
namespace {

constexpr std::string_view kNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

void check_word(const std::string& s, std::string_view extra, const std::string& what, Errc code) {
  std::string allowed = std::string(kNameChars) + std::string(extra);
  if (s.empty() || s.size() > 128 || s[0] == '.' || s.find_first_not_of(allowed) != std::string::npos)
    throw Error(code, "invalid " + what + " '" + s + "': use 1 to 128 letters, digits, '.', '_', '-'" +
                          (extra.empty() ? "" : ", '" + std::string(extra) + "'") + ", not starting with '.'");
}

// Typed access to one member, failing with the manifest's name and the member.
class Reader {
 public:
  Reader(const json& doc, const std::string& origin) : doc_(doc), origin_(origin) {}
  [[noreturn]] void fail(const std::string& why) const { throw Error(Errc::integrity, origin_ + ": " + why); }
  std::string str(const json& obj, const char* key, bool required) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail("missing \"" + std::string(key) + "\"");
      return {};
    }
    if (!it->is_string()) fail("\"" + std::string(key) + "\" must be a string");
    return it->get<std::string>();
  }
  uint64_t uint(const json& obj, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_unsigned()) fail("\"" + std::string(key) + "\" must be a whole number");
    return it->get<uint64_t>();
  }
  json object_or_null(const char* key) const {
    auto it = doc_.find(key);
    if (it == doc_.end() || it->is_null()) return nullptr;
    if (!it->is_object()) fail("\"" + std::string(key) + "\" must be an object");
    return *it;
  }

 private:
  const json& doc_;
  const std::string& origin_;
};

// Error(code) naming `origin` and both paths when one file's path is a
// directory of another's: no tree holds both, and a device must refuse the
// bundle before unpacking it, not fail halfway.
void check_bundle_file_tree(const std::vector<BundleFileEntry>& files, const std::string& origin, Errc code) {
  std::unordered_set<std::string_view> paths;
  for (const auto& f : files) paths.insert(f.path);
  for (const auto& f : files)
    for (size_t slash = f.path.find('/'); slash != std::string::npos; slash = f.path.find('/', slash + 1))
      if (auto it = paths.find(std::string_view(f.path).substr(0, slash)); it != paths.end())
        throw Error(code, origin + ": '" + std::string(*it) + "' is listed as a file and as the directory of '" +
                              f.path + "'");
}

}  // namespace

uint64_t BundleManifest::total_size() const {
  uint64_t n = 0;
  for (const auto& f : files) n += f.size;
  return n;
}

const BundleFileEntry* BundleManifest::find(std::string_view path) const {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const BundleFileEntry& e, std::string_view p) { return e.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

std::string bundle_mode_text(mode_t mode) { return (mode & 0111) ? "0755" : "0644"; }

void check_bundle_name(const std::string& name, const std::string& what) { check_word(name, "", what, Errc::usage); }

void check_bundle_version(const std::string& version, const std::string& what) {
  check_word(version, "+", what, Errc::usage);
}

void check_bundle_path(std::string_view path, const std::string& origin) {
  auto bad = [&](const std::string& why) {
    return Error(Errc::integrity, origin + ": unsafe path '" + std::string(path) + "': " + why);
  };
  if (path.empty() || path.size() > 4096) throw bad("empty or too long");
  if (path.front() == '/') throw bad("absolute");
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) throw bad("control character");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == ".") throw bad("empty or '.' segment");
    if (seg == "..") throw bad("'..' segment");
    start = end + 1;
  }
}

std::string serialize_manifest(BundleManifest& m) {
  check_bundle_name(m.name, "bundle name");
  check_bundle_version(m.version, "bundle version");
  std::sort(m.files.begin(), m.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  // ordered_json keeps insertion order: the documented member order.
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    check_bundle_path(f.path, "bundle file");
    if (i > 0 && m.files[i - 1].path == f.path) throw Error(Errc::usage, "bundle file '" + f.path + "' appears twice");
    nlohmann::ordered_json e;
    e["path"] = f.path;
    e["sha256"] = f.sha256.hex();
    e["size"] = f.size;
    e["mode"] = bundle_mode_text(f.mode);
    files.push_back(std::move(e));
  }
  check_bundle_file_tree(m.files, "bundle", Errc::usage);
  nlohmann::ordered_json doc;
  doc["format"] = kBundleFormat;
  doc["name"] = m.name;
  doc["version"] = m.version;
  doc["created"] = m.created;
  if (!m.git_commit.empty()) doc["git_commit"] = m.git_commit;
  if (!m.run.empty()) doc["run"] = m.run;
  if (!m.params.is_null()) doc["params"] = m.params;
  if (!m.metrics.is_null()) doc["metrics"] = m.metrics;
  if (!m.requirements.is_null()) doc["requires"] = m.requirements;
  if (m.health) {
    nlohmann::ordered_json h;
    if (!m.health->cmd.empty())
      h["cmd"] = m.health->cmd;
    else
      h["url"] = m.health->url;
    h["timeout"] = m.health->timeout_seconds;
    doc["health"] = h;
  }
  doc["files"] = std::move(files);
  return doc.dump(2) + "\n";
}

BundleManifest parse_manifest(std::string_view text, const std::string& origin) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error(Errc::integrity, origin + ": not a JSON object");
  Reader r(doc, origin);
  if (!doc.contains("format") || !doc["format"].is_number_integer()) r.fail("missing \"format\"");
  if (doc["format"].get<int64_t>() != kBundleFormat)
    r.fail("bundle format " + doc["format"].dump() + " is not supported (this mlops reads format 1)");
  BundleManifest m;
  m.name = r.str(doc, "name", true);
  m.version = r.str(doc, "version", true);
  m.created = r.str(doc, "created", true);
  m.git_commit = r.str(doc, "git_commit", false);
  m.run = r.str(doc, "run", false);
  try {
    check_bundle_name(m.name, "name");
    check_bundle_version(m.version, "version");
  } catch (const Error& e) {
    r.fail(e.what());
  }
  m.params = r.object_or_null("params");
  m.metrics = r.object_or_null("metrics");
  m.requirements = r.object_or_null("requires");
  if (json h = r.object_or_null("health"); !h.is_null()) {
    HealthCheck hc;
    hc.cmd = r.str(h, "cmd", false);
    hc.url = r.str(h, "url", false);
    if (hc.cmd.empty() == hc.url.empty()) r.fail("\"health\" needs exactly one of \"cmd\" and \"url\"");
    if (h.contains("timeout")) {
      uint64_t t = r.uint(h, "timeout");
      if (t == 0 || t > 86400) r.fail("\"health.timeout\" must be 1 to 86400 seconds");
      hc.timeout_seconds = static_cast<int>(t);
    }
    m.health = hc;
  }
  auto files = doc.find("files");
  if (files == doc.end() || !files->is_array()) r.fail("\"files\" must be an array");
  for (const auto& f : *files) {
    if (!f.is_object()) r.fail("every entry of \"files\" must be an object");
    BundleFileEntry e;
    e.path = r.str(f, "path", true);
    check_bundle_path(e.path, origin);
    auto h = Hash::try_parse(r.str(f, "sha256", true));
    if (!h) r.fail("file '" + e.path + "': \"sha256\" is not 64 hex digits");
    e.sha256 = *h;
    e.size = r.uint(f, "size");
    std::string mode = r.str(f, "mode", true);
    if (mode != "0644" && mode != "0755") r.fail("file '" + e.path + "': \"mode\" must be \"0644\" or \"0755\"");
    e.mode = mode == "0755" ? 0755 : 0644;
    if (!m.files.empty() && !(m.files.back().path < e.path))
      r.fail("file '" + e.path + "' is out of order or listed twice");
    m.files.push_back(std::move(e));
  }
  check_bundle_file_tree(m.files, origin, Errc::integrity);
  return m;
}

Hash bundle_content_digest(const std::vector<BundleFileEntry>& files) {
  Hasher h;
  for (const auto& f : files)
    h.update(f.sha256.hex() + " " + std::to_string(f.size) + " " + bundle_mode_text(f.mode) + " " + f.path + "\n");
  return h.finish();
}

std::string bundle_trusted_comment(const BundleManifest& m, const Hash& manifest_digest) {
  return "mlops-bundle/" + std::to_string(kBundleFormat) + " name=" + m.name + " version=" + m.version +
         " digest=" + manifest_digest.str();
}

}  // namespace mlops
