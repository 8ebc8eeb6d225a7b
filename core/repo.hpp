#pragma once
// An mlops repository: the directory holding `.mlops/` (DESIGN §2), found by
// walking up from the working directory as git does.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace mlops {

using ConfigOverrides = std::vector<std::pair<std::string, std::string>>;

class Repo {
 public:
  // Walks up from `start`; throws Error(not_a_repo) when no `.mlops/` is found.
  static Repo discover(const std::filesystem::path& start, const ConfigOverrides& overrides = {});
  static std::optional<std::filesystem::path> find_root(const std::filesystem::path& start);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path dot_dir() const { return root_ / ".mlops"; }
  std::filesystem::path tmp_dir() const { return dot_dir() / "tmp"; }
  std::filesystem::path cache_dir() const;
  const Config& config() const { return config_; }
  ConfigFiles config_files() const { return ConfigFiles::standard(dot_dir()); }

 private:
  std::filesystem::path root_;
  Config config_;
};

struct InitOptions {
  bool no_git = false;  // allow a repository outside any git work tree
  bool subdir = false;  // allow a repository below the git top level (monorepos)
  bool force = false;   // rewrite config and .gitignore even if initialised
};

struct InitResult {
  std::filesystem::path root;
  std::optional<std::filesystem::path> git_root;
  bool already = false;       // it was initialised before and nothing was rewritten
  bool reinitialised = false;  // --force rewrote an existing one
  std::vector<std::filesystem::path> written;  // files created or rewritten
};

InitResult init_repo(const std::filesystem::path& dir, const InitOptions& options);

}  // namespace mlops
