#pragma once
// What every command receives: the global options, the output, and the
// repository and configuration, opened on first use.
#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/repo.hpp"
#include "output.hpp"

namespace mlops::cli {

struct GlobalOptions {
  std::vector<std::string> chdir;             // -C, applied in order like git
  std::vector<std::string> config_overrides;  // -c key=value
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  std::string color = "auto";
};

class Context {
 public:
  GlobalOptions opts;

  Output& out() { return *out_; }
  void set_output(std::unique_ptr<Output> out) { out_ = std::move(out); }

  // The repository around the working directory; Error(not_a_repo) outside one.
  Repo& repo();
  // Configuration with the repository's layers when inside one.
  const Config& config();
  ConfigOverrides overrides() const;

  // Commands register what runs when they are the command selected.
  void on_run(CLI::App* app, std::function<void()> action) { actions_[app] = std::move(action); }
  const std::function<void()>* action_for(CLI::App* app) const {
    auto it = actions_.find(app);
    return it == actions_.end() ? nullptr : &it->second;
  }

  // Exit status the command asks for when it did not fail (e.g. --exit-code).
  int exit_status = 0;
  // The selected command, e.g. "mlops remote add" (recorded in the repository lock).
  std::string command = "mlops";

 private:
  std::unique_ptr<Output> out_;
  std::optional<Repo> repo_;
  std::optional<Config> config_;
  std::map<CLI::App*, std::function<void()>> actions_;
};

}  // namespace mlops::cli
