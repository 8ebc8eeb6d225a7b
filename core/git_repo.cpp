#include "git_repo.hpp"

#include <git2.h>

#include <mutex>

namespace fs = std::filesystem;

namespace mlops {
namespace {
void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}
}  // namespace

std::optional<fs::path> git_workdir(const fs::path& start) {
  ensure_libgit2();
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, start.c_str(), 0, nullptr) != 0) return std::nullopt;
  std::optional<fs::path> out;
  if (const char* wd = git_repository_workdir(repo)) out = fs::path(wd).lexically_normal().parent_path();
  git_repository_free(repo);
  return out;
}

bool git_tracks(const fs::path& workdir, const std::string& path) {
  ensure_libgit2();
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, workdir.c_str()) != 0) return false;
  git_index* index = nullptr;
  bool found = false;
  if (git_repository_index(&index, repo) == 0) {
    found = git_index_get_bypath(index, path.c_str(), 0) != nullptr;
    size_t at = 0;
    std::string prefix = path + "/";
    if (!found && git_index_find_prefix(&at, index, prefix.c_str()) == 0) found = true;
    git_index_free(index);
  }
  git_repository_free(repo);
  return found;
}

}  // namespace mlops
