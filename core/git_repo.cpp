#include "git_repo.hpp"

#include <mutex>

#include "git_handles.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace git {

void ensure_init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string last_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

std::string hex_of(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

}  // namespace git

std::optional<fs::path> git_workdir(const fs::path& start) {
  git::ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, start.c_str(), 0, nullptr) != 0) return std::nullopt;
  git::RepoPtr repo(r);
  if (const char* wd = git_repository_workdir(r)) return fs::path(wd).lexically_normal().parent_path();
  return std::nullopt;
}

bool git_tracks(const fs::path& workdir, const std::string& path) {
  git::ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open(&r, workdir.c_str()) != 0) return false;
  git::RepoPtr repo(r);
  git_index* i = nullptr;
  if (git_repository_index(&i, r) != 0) return false;
  git::IndexPtr index(i);
  if (git_index_get_bypath(i, path.c_str(), 0) != nullptr) return true;
  size_t at = 0;
  std::string prefix = path + "/";
  return git_index_find_prefix(&at, i, prefix.c_str()) == 0;
}

}  // namespace mlops
