#pragma once
// Reading the git history around an mlops repository: what the pointer files
// said at a revision, and which commits exist (for diff, ls and gc). Only git's
// object database is read: no checkout, and git's index and work tree are
// never touched.
//
// Paths: every path given to or returned by this class is relative to the
// mlops root, which may be a subdirectory of the git work tree
// (`mlops init --subdir`); the translation to git-root-relative paths
// happens here and nowhere else. Error messages name files the git way,
// "REV:git/root/relative/path", so `git show` can display them.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pointer_file.hpp"
#include "tracked.hpp"

namespace mlops {

// Which commits gc keeps; flags combine.
enum CommitScope : unsigned {
  kHeadCommit = 1,    // the commit HEAD points to (none on an unborn branch)
  kBranchTips = 2,    // the commit of every local branch
  kTagTargets = 4,    // the commit of every tag (tags of non-commits are ignored)
  kAllCommits = 8,    // every commit reachable from any ref or HEAD
};

class GitHistory {
 public:
  // Opens the git repository whose work tree contains `mlops_root`;
  // Error(usage) when there is none.
  explicit GitHistory(const std::filesystem::path& mlops_root);
  // nullptr when `mlops_root` is not in a git work tree.
  static std::unique_ptr<GitHistory> open_if_any(const std::filesystem::path& mlops_root);
  ~GitHistory();
  GitHistory(const GitHistory&) = delete;
  GitHistory& operator=(const GitHistory&) = delete;

  const std::filesystem::path& git_root() const;
  // The mlops root relative to the git root: "" or "sub/dir".
  const std::string& prefix() const;

  // The full (40 hex) id of the commit `rev` names: HEAD, HEAD~1, a branch,
  // a tag (peeled), a full or abbreviated sha. Error(usage) naming `rev`
  // when it does not resolve to a commit.
  std::string resolve(const std::string& rev) const;

  // The bytes of the file at `path` in `commit`; nullopt when the commit has
  // no regular file there.
  std::optional<std::string> read_file(const std::string& commit, const std::string& path) const;

  // Every pointer file (`NAME.mlops`; not the `.mlops/` directory) in
  // `commit`, one entry per out, sorted by tracked path. `label` is how the
  // user named the revision; it prefixes pointer paths in parse errors.
  std::vector<Tracked> pointers(const std::string& commit, const std::string& label) const;

  // The commits reachable from `commit`, newest first as `git log` lists
  // them (children before parents, then by commit time).
  std::vector<std::string> log(const std::string& commit) const;

  // The commit HEAD points to; nullopt on an unborn branch.
  std::optional<std::string> head() const;

  // Commit ids in `scope`, sorted and unique.
  std::vector<std::string> commits(unsigned scope) const;

  // The union of the outs of every pointer file in `commits`. Subtrees and
  // pointer blobs shared between commits are read once, so a long history
  // costs what its distinct versions cost.
  std::vector<PointerOut> outs_in(const std::vector<std::string>& commits) const;

  // What a run records about the code it ran: HEAD's commit ("" on an
  // unborn branch), its branch ("" when detached), and whether files git
  // tracks differ from HEAD in the index or the work tree (untracked files
  // do not count).
  struct HeadState {
    std::string commit;
    std::string branch;
    bool dirty = false;
  };
  HeadState head_state() const;

 private:
  struct Impl;
  explicit GitHistory(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlops
