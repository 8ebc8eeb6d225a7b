#pragma once
// Running a bundle's health check on a device: a shell command in the new
// version's directory, killed (with its whole process group) when it outlives
// its timeout. Its output is kept, bounded, for the report.
#include <filesystem>
#include <map>
#include <string>

#include "bundle_manifest.hpp"

namespace mlops {

struct HealthResult {
  bool ok = false;
  std::string detail;  // why it failed: "exit status 3", "timed out after 5 s"
  std::string output;  // the last few KiB of its stdout and stderr
};

// Runs `check.cmd` with `/bin/sh -c` in `dir`, with `env` added to the
// environment. A check with a URL instead of a command fails here: core/ has
// no HTTP client; transports that have one pass their own runner.
HealthResult run_health_check(const HealthCheck& check, const std::filesystem::path& dir,
                              const std::map<std::string, std::string>& env);

}  // namespace mlops
