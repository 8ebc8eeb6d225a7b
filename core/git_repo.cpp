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

}  // namespace mlops
