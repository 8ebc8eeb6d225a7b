#pragma once
// Making a bundle from what the user named, shared by `bundle create` and
// `deploy <path>`: the options, the choice of source, the signing key.
#include <filesystem>
#include <string>
#include <vector>

#include "context.hpp"
#include "core/bundle.hpp"

namespace mlops::cli {

struct BundleArgs {
  std::string path;   // a bundle source on disk, or NAME@VERSION / NAME#STAGE in the registry
  std::string stage;  // with a NAME: the version this registry stage holds
  std::string name, version, run;
  std::string output;
  std::string key = "default";
  std::string passphrase_file;
  std::string health_cmd, health_url;
  int health_timeout = 30;
  std::string params_file, metrics_file;
  std::vector<std::string> requires_;
};

// A private directory for a bundle made on the fly, removed afterwards.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The options of `bundle create` except the path and -o.
void add_bundle_options(CLI::App& cmd, BundleArgs& a);
// --health-cmd, --health-url, --health-timeout (part of add_bundle_options).
void add_health_options(CLI::App& cmd, BundleArgs& a);
// The health check that --health-cmd/--health-url ask for, if any.
std::optional<HealthCheck> health_from_args(const BundleArgs& a);
// Builds, signs and writes the bundle; `output_dir` applies when a.output is
// empty. A registry reference is fetched from the registry first (`model
// get`), its name, version and run becoming the manifest's unless given.
CreatedBundle build_bundle(Context& ctx, const BundleArgs& a, const std::filesystem::path& output_dir);
// True for a file that is a bundle (by its first tar entry or its name), so
// `deploy` knows whether to bundle its argument first.
bool is_bundle_file(const std::filesystem::path& path);
json manifest_summary(const BundleManifest& m, const Hash& digest);

}  // namespace mlops::cli
