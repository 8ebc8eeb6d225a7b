#pragma once
// Bundles for tests: real ones made by create_bundle, and crafted ones whose
// payload holds whatever entries a test needs (escaping paths, links,
// duplicates), signed properly so that only the payload checks can catch them.
#include <filesystem>
#include <string>
#include <vector>

#include "core/bundle.hpp"

namespace mlops::test {

// Writes `files` (path -> content) below `dir`.
void write_tree(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files);

// A bundle of directory `src` named `name` at `version`, in `out_dir`.
CreatedBundle make_bundle(const std::filesystem::path& src, const std::string& name, const std::string& version,
                          const SigningKey& key, const std::filesystem::path& out_dir,
                          std::optional<HealthCheck> health = std::nullopt);

struct CraftedEntry {
  CraftedEntry(std::string p, std::string d = {}, unsigned t = 0100000, std::string l = {}, bool hard = false)
      : path(std::move(p)), data(std::move(d)), type(t), link(std::move(l)), hardlink(hard) {}
  std::string path;
  std::string data;
  unsigned type;     // AE_IFREG 0100000, AE_IFLNK 0120000, AE_IFDIR 0040000
  std::string link;  // symlink target, or hardlink target when `hardlink`
  bool hardlink;
};

// A bundle whose manifest lists `listed` (path -> content) and whose payload
// holds `entries` exactly; signed by `key` with `trusted_comment` (default:
// the correct one).
void write_crafted_bundle(const std::filesystem::path& file, const SigningKey& key,
                          const std::vector<std::pair<std::string, std::string>>& listed,
                          const std::vector<CraftedEntry>& entries, const std::string& trusted_comment = {});

// Flips one byte of `file` at `offset` (negative: from the end).
void flip_byte(const std::filesystem::path& file, long offset);

}  // namespace mlops::test
