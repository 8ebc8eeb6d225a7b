#include "repo.hpp"

#include <mlops/templates.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "git_repo.hpp"

namespace fs = std::filesystem;

namespace mlops {

std::optional<fs::path> Repo::find_root(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (dir.has_filename() == false && dir != dir.root_path()) dir = dir.parent_path();
  for (;;) {
    if (fs::is_directory(dir / ".mlops", ec) && fs::exists(dir / ".mlops" / "config.yaml", ec)) return dir;
    if (dir == dir.root_path() || dir.empty()) return std::nullopt;
    dir = dir.parent_path();
  }
}

Repo Repo::discover(const fs::path& start, const ConfigOverrides& overrides) {
  auto root = find_root(start);
  if (!root) throw Error(Errc::not_a_repo, "not an mlops repository (or any parent up to /)");
  Repo r;
  r.root_ = *root;
  r.config_ = Config::load(ConfigFiles::standard(r.dot_dir()), overrides);
  return r;
}

fs::path Repo::cache_dir() const {
  std::string configured = config_.get_string("core.cache_dir");
  if (configured.empty()) return dot_dir() / "cache";
  fs::path p(configured);
  return p.is_absolute() ? p : (root_ / p).lexically_normal();
}

InitResult init_repo(const fs::path& dir_in, const InitOptions& options) {
  InitResult result;
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(dir_in), ec);
  if (ec || !fs::is_directory(dir)) throw Error(Errc::usage, "cannot initialise " + dir_in.string() + ": not a directory");
  result.root = dir;
  result.git_root = git_workdir(dir);
  if (!result.git_root && !options.no_git)
    throw Error(Errc::usage, dir.string() +
                                 " is not inside a git work tree; run `git init` first, "
                                 "or `mlops init --no-git` for a repository without git");
  if (result.git_root && fs::weakly_canonical(*result.git_root) != dir && !options.subdir)
    throw Error(Errc::usage, dir.string() + " is below the git top level " + result.git_root->string() +
                                 "; run `mlops init` there, or pass --subdir for a repository in a subdirectory");

  fs::path dot = dir / ".mlops";
  bool existed = fs::exists(dot / "config.yaml", ec);
  if (existed && options.force) result.reinitialised = true;
  for (const char* sub : {"", "cache", "tmp"}) fs::create_directories(dot / sub);

  auto write = [&](const fs::path& path, std::string_view content) {
    if (fs::exists(path, ec) && !options.force) return;
    write_file_atomic(path, content);
    result.written.push_back(path);
  };
  write(dot / "config.yaml", templates::config_yaml);
  write(dot / ".gitignore", templates::dot_gitignore);
  result.already = existed && result.written.empty();
  return result;
}

}  // namespace mlops
