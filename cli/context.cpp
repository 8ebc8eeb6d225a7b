#include "context.hpp"

#include <filesystem>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {

ConfigOverrides Context::overrides() const {
  ConfigOverrides out;
  for (const auto& kv : opts.config_overrides) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(Errc::usage, "-c expects key=value, got '" + kv + "'");
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

Repo& Context::repo() {
  if (!repo_) repo_ = Repo::discover(fs::current_path(), overrides());
  return *repo_;
}

const Config& Context::config() {
  if (config_) return *config_;
  if (auto root = Repo::find_root(fs::current_path())) config_ = repo().config();
  else config_ = Config::load(ConfigFiles::standard({}), overrides());
  return *config_;
}

}  // namespace mlops::cli
