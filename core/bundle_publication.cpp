#include "bundle_publication.hpp"

#include <nlohmann/json.hpp>

#include "bundle_manifest.hpp"
#include "error.hpp"
#include "text.hpp"

using nlohmann::json;

namespace mlops {

std::string publication_bundle_key(const std::string& name, const Hash& sha256) {
  check_bundle_name(name, "model name");
  return "bundles/" + name + "/" + sha256.hex() + ".mlbundle";
}

std::string publication_prefix(const std::string& name, const std::string& stage) {
  check_bundle_name(name, "model name");
  check_bundle_name(stage, "stage");
  return "bundles/" + name + "/" + stage + "/";
}

std::string publication_key(const std::string& name, const std::string& stage, uint64_t number) {
  return publication_prefix(name, stage) + std::to_string(number) + ".json";
}

std::optional<uint64_t> publication_number(std::string_view key, std::string_view prefix) {
  if (!starts_with(key, prefix)) return std::nullopt;
  std::string_view rest = key.substr(prefix.size());
  if (rest.size() < 6 || rest.substr(rest.size() - 5) != ".json") return std::nullopt;
  std::string_view digits = rest.substr(0, rest.size() - 5);
  uint64_t n = 0;
  if (digits.empty() || digits[0] == '0' || !parse_u64(digits, n)) return std::nullopt;
  return n;
}

std::string serialize_publication(const Publication& p) {
  json doc = {{"format", 1},         {"name", p.name},   {"stage", p.stage},         {"version", p.version},
              {"bundle", p.bundle},  {"sha256", p.sha256.hex()}, {"size", p.size}, {"published", p.published}};
  return doc.dump(2) + "\n";
}

Publication parse_publication(std::string_view text, const std::string& name, const std::string& stage,
                              const std::string& origin) {
  Publication p;
  try {
    json doc = json::parse(text);
    if (!doc.is_object() || doc.value("format", 0) != 1) throw Error("not a publication record of format 1");
    p.name = doc.at("name").get<std::string>();
    p.stage = doc.at("stage").get<std::string>();
    p.version = doc.at("version").get<std::string>();
    p.bundle = doc.at("bundle").get<std::string>();
    p.sha256 = Hash::parse("sha256:" + doc.at("sha256").get<std::string>());
    p.size = doc.at("size").get<uint64_t>();
    p.published = doc.value("published", "");
  } catch (const std::exception& e) {
    throw Error(Errc::integrity, origin + " is malformed: " + e.what());
  }
  if (p.name != name || p.stage != stage)
    throw Error(Errc::integrity, origin + " is about " + p.name + " " + p.stage + ", not " + name + " " + stage);
  try {
    check_bundle_version(p.version, origin + " version");
  } catch (const Error& e) {
    throw Error(Errc::integrity, e.what());
  }
  if (p.bundle != publication_bundle_key(name, p.sha256))
    throw Error(Errc::integrity, origin + " names the bundle " + p.bundle + ", not " + publication_bundle_key(name, p.sha256));
  return p;
}

}  // namespace mlops
