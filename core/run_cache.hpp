#pragma once
// The run cache (DESIGN §5): run_cache_key(stage) -> the outs that stage
// produced, so a stage that anyone already ran with the same command, deps
// and params is restored from the cache instead of rerun. Entries live
// beside the objects (shared by every clone using the cache) and travel to
// remotes with push/pull under the same relative name. Grammar (JSON):
//
//   {"schema": "mlops-run-cache 1", "stage": NAME,
//    "outs": [{"path": P, "hash": "sha256:..", "kind": "file"|"dir", "size": N, "files": N}, ...]}
//
// at `<cache>/runs/<key[0:2]>/<key>`; the key is 64 hex digits.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pointer_file.hpp"

namespace mlops {

struct RunCacheEntry {
  std::string stage;
  std::vector<PointerOut> outs;
};

std::string format_run_cache_entry(const RunCacheEntry& e);
// Error(integrity) naming `origin` when malformed.
RunCacheEntry parse_run_cache_entry(const std::string& text, const std::string& origin);

class RunCache {
 public:
  explicit RunCache(std::filesystem::path cache_dir) : cache_(std::move(cache_dir)) {}
  std::optional<RunCacheEntry> find(const std::string& key) const;
  void save(const std::string& key, const RunCacheEntry& entry) const;  // atomic
  // "runs/ab/abcd…": the name of an entry in the cache and on remotes.
  static std::string relative_name(const std::string& key);
  std::vector<std::string> keys() const;

 private:
  std::filesystem::path cache_;
};

}  // namespace mlops
