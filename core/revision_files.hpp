#pragma once
// Small files (metrics, params, plots, mlops.yaml) as they are in one version
// of the repository: the workspace on disk, or a commit read from git's
// object database without checking anything out. A stage output kept in
// the cache rather than in git (a metrics or plots out with `cache: true`)
// is read at a commit through that commit's mlops.lock, from the cache.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "git_history.hpp"
#include "object_store.hpp"
#include "pipeline_lock.hpp"

namespace mlops {

struct Revision {
  std::string label;   // how the user named it ("HEAD~1", "main"), or "workspace"
  std::string commit;  // full id; empty for the workspace

  bool is_workspace() const { return commit.empty(); }
};

class RevisionFiles {
 public:
  // `root` is the mlops root; git is opened when it is in a git work tree.
  // Without a cache directory, stage outputs are read from git only.
  explicit RevisionFiles(std::filesystem::path root, std::filesystem::path cache_dir = {},
                         uint64_t pack_threshold = ObjectStore::kDefaultPackThreshold);
  ~RevisionFiles();

  static Revision workspace() { return {"workspace", ""}; }
  // Error(usage) naming `rev` when it does not resolve, or when there is no git.
  Revision at(const std::string& rev) const;
  // The commits of the current branch, newest first, labelled with 7-hex
  // short ids; empty without git or commits.
  std::vector<Revision> branch_history() const;

  // The bytes of repo-relative `path` in `rev`; nullopt when there is no
  // file there (nor, at a commit, a stage out of that path whose object is
  // in the cache). Error when a workspace path exists but is not a readable
  // regular file.
  std::optional<std::string> read(const Revision& rev, const std::string& path) const;

  // How messages name the file: "metrics.json" in the workspace,
  // "HEAD~1:sub/metrics.json" (git's REV:PATH, from the git root) otherwise.
  std::string origin(const Revision& rev, const std::string& path) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  const GitHistory& git() const;
  std::optional<std::string> cached_out(const Revision& rev, const std::string& path) const;

  std::filesystem::path root_, cache_dir_;
  uint64_t pack_threshold_;
  std::unique_ptr<GitHistory> git_;
  // Opened on first use: most reads never need them.
  mutable std::unique_ptr<ObjectStore> store_;
  mutable std::map<std::string, PipelineLock> locks_;  // by commit
};

}  // namespace mlops
