#pragma once
// The manifest of a bundle (DESIGN §7): what a model version is, which files
// it carries and how to check it on a device. It is the signed part of a
// bundle; the payload is bound to it by the files' hashes.
//
// manifest.json, format 1 (one JSON object; unknown members are ignored):
//
//   {
//     "format": 1,                              required, integer
//     "name": NAME,                             required
//     "version": VERSION,                       required
//     "created": "YYYY-MM-DDTHH:MM:SSZ",        required
//     "git_commit": "<40 hex>",                 optional: the repository's HEAD
//     "run": ID,                                optional: the run that produced it
//     "params": {...}, "metrics": {...},        optional, free-form
//     "requires": {...},                        optional, free-form device requirements
//     "health": {"cmd": CMD | "url": URL,       optional; run in the version's
//                "timeout": SECONDS},           directory after activation
//     "files": [ {"path": PATH, "sha256": "<64 hex>", "size": BYTES, "mode": "0644"|"0755"}, ... ]
//   }
//
//   NAME     = 1*128 of [A-Za-z0-9._-], not starting with "."
//   VERSION  = 1*128 of [A-Za-z0-9._+-], not starting with "."
//   PATH     = relative, "/"-separated; no empty, "." or ".." segment, no
//              control character; files are sorted by PATH, bytewise, unique;
//              no PATH is a directory of another ("a" and "a/b" cannot both
//              be files).
//
// Writers emit members in this order with two-space indentation and a final
// LF; the signature covers the exact bytes, so readers never re-serialise.
#include <sys/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"

namespace mlops {

struct BundleFileEntry {
  std::string path;
  Hash sha256;
  uint64_t size = 0;
  mode_t mode = 0644;  // 0644 or 0755
};

struct HealthCheck {
  std::string cmd;  // a shell command, or
  std::string url;  // a URL answered with 2xx when healthy
  int timeout_seconds = 30;
};

struct BundleManifest {
  std::string name;
  std::string version;
  std::string created;
  std::string git_commit;  // empty: none
  std::string run;         // empty: none
  nlohmann::json params;   // null: none
  nlohmann::json metrics;
  nlohmann::json requirements;  // "requires"
  std::optional<HealthCheck> health;
  std::vector<BundleFileEntry> files;

  uint64_t total_size() const;
  const BundleFileEntry* find(std::string_view path) const;  // files are sorted
};

inline constexpr int kBundleFormat = 1;

// Sorts `files` and checks every field; Error(usage) naming the bad one.
std::string serialize_manifest(BundleManifest& m);
// Error(integrity) naming `origin` and the member when malformed.
BundleManifest parse_manifest(std::string_view text, const std::string& origin);

// What the files are, independent of when or by whom they were bundled:
// SHA-256 over one line per file, "<sha256 hex> <size> <mode octal> <path>" LF.
Hash bundle_content_digest(const std::vector<BundleFileEntry>& files);

// The trusted comment signed with the manifest; binds name, version and the
// manifest's digest, so a signature cannot be moved to another manifest.
std::string bundle_trusted_comment(const BundleManifest& m, const Hash& manifest_digest);

// "0755" for a mode with an executable bit, else "0644".
std::string bundle_mode_text(mode_t mode);

void check_bundle_name(const std::string& name, const std::string& what);
void check_bundle_version(const std::string& version, const std::string& what);
// Error(integrity) naming `origin` for a path the grammar forbids.
void check_bundle_path(std::string_view path, const std::string& origin);

}  // namespace mlops
