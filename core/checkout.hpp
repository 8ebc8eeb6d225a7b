#pragma once
// Making the workspace match a recorded version of a tracked path
// (`mlops checkout`, and the end of `pull`). Safety first (DESIGN §9.1): a
// workspace file whose content is not in the cache is an unsaved change and
// is never overwritten or deleted without `force`; such files are listed in
// `refused` and left alone while everything else is brought up to date.
// Replacements are written beside the target and renamed over it, so a crash
// leaves either the old or the new file, never a partial one. Nothing is
// written outside the repository: paths are checked by workspace_path.hpp's
// rule and resolved by ConfinedDirs, which never follows a symlink.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "confined_dirs.hpp"
#include "progress.hpp"
#include "state_index.hpp"
#include "tree_diff.hpp"

namespace mlops {

class ObjectStore;

struct CheckoutOptions {
  bool force = false;   // overwrite unsaved workspace changes
  bool relink = false;  // re-create unchanged files with the configured link type
  std::vector<std::string> link_types{"reflink", "copy"};
  int jobs = 1;
  Progress* progress = nullptr;
};

struct CheckoutStats {
  uint64_t created = 0;
  uint64_t updated = 0;
  uint64_t deleted = 0;
  std::vector<std::string> refused;  // unsaved changes left alone
  std::map<std::string, uint64_t> link_types_used;
};

class Checkout {
 public:
  Checkout(std::filesystem::path repo_root, ObjectStore& store, StateIndex& state, CheckoutOptions options);
  // Brings repo-relative `rel` to `target`. Throws Error naming the object
  // when something needed is missing from the cache.
  void apply(const std::string& rel, const TreeRef& target);
  const CheckoutStats& stats() const { return stats_; }

 private:
  struct Job {
    std::string path;
    EntryKind kind;
    Hash hash;
    bool replace;  // an existing file is swapped out by rename
  };
  void collect_all(const TreeRef& ref, const std::string& path, std::vector<Job>& jobs, std::vector<std::string>& dirs);
  void collect_dirs(const TreeRef& ref, const std::string& path, std::vector<std::string>& dirs);
  void plan(const std::vector<FileChange>& changes, const std::string& rel, std::vector<Job>& jobs,
            const std::vector<std::string>& dirs);
  void run_jobs(std::vector<Job>& jobs);
  void materialize(const Job& job, std::string& link_used);

  std::filesystem::path root_;
  ObjectStore& store_;
  StateIndex& state_;
  CheckoutOptions opt_;
  CheckoutStats stats_;
  ConfinedDirs dirs_;  // every write and removal goes through it
};

}  // namespace mlops
