#pragma once
// Writing inside the repository and nowhere else (docs/security.md,
// Confinement). Every workspace write of a checkout (`checkout`, `pull`,
// repro's run-cache restore, `exp apply`, add's relink) reaches its directory
// through ConfinedDirs, which opens it component by component from a
// descriptor of the repository root with O_NOFOLLOW | O_DIRECTORY, creating
// what is missing with mkdirat(). Files are then created, renamed and
// removed relative to that descriptor (FileAt), so no path is ever resolved
// again by name and a symlink cannot redirect a write.
//
// The rule, git's after its symlink CVEs: no directory component of a path
// being written or removed may be a symbolic link, not even one pointing
// inside the repository, and no component may be `.git` or `.mlops`. A
// symlink is data that mlops writes or replaces as a whole, never a way
// through. A violation is Error(usage) naming the path and the link.
//
// Opened directories are cached (bounded), so many files in one directory
// cost one resolution, and a deeper directory resolves from its nearest
// cached ancestor. Thread-safe.
#include <fcntl.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "unique_fd.hpp"

namespace mlops {

// A file named relative to an open directory; `shown` names it in messages.
// A plain path converts to a file relative to the current directory.
struct FileAt {
  int dir = AT_FDCWD;
  std::string name;
  std::filesystem::path shown;

  FileAt(const std::filesystem::path& path) : name(path.string()), shown(path) {}  // NOLINT(implicit)
  FileAt(int dir_fd, std::string name_in_dir, std::filesystem::path shown_as)
      : dir(dir_fd), name(std::move(name_in_dir)), shown(std::move(shown_as)) {}
  // As fs::path::string(): the path to show in messages.
  std::string string() const { return shown.string(); }
};

class ConfinedDirs {
 public:
  using Dir = std::shared_ptr<const UniqueFd>;

  explicit ConfinedDirs(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }

  // The repository-relative directory `rel` ("" for the root). Missing
  // directories are created when `create`, else the result is null.
  Dir open(const std::string& rel, bool create);
  // `rel` (a file, link or whole tree) removed without following any
  // symlink; nothing happens when it does not exist.
  void remove(const std::string& rel);
  // Removes the directory `rel` if it is empty; false when it is not (or is
  // missing).
  bool remove_empty_dir(const std::string& rel);
  // Drops cached descriptors of `rel` and below, after it was removed or
  // replaced.
  void forget(const std::string& rel);

 private:
  std::filesystem::path root_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<UniqueFd>> cache_;  // "" is the root, always kept
};

// mkostemp() relative to a directory: replaces the trailing "XXXXXX" of
// `name` until openat(O_CREAT | O_EXCL | O_NOFOLLOW) creates a new file
// (mode 0600). Returns an invalid fd with errno set on failure.
UniqueFd create_temp_at(int dir, std::string& name);

// Removes `name` in `dir` (a file, link or whole tree) without following
// symlinks; ENOENT is not an error. `shown` names it in messages.
void remove_all_at(int dir, const std::string& name, const std::filesystem::path& shown);

}  // namespace mlops
