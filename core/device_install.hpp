#pragma once
// Installing and activating bundles on a device (DESIGN §7). This is the code
// every transport ends in: file:// calls it directly on a mounted root; the
// SSH and HTTPS receivers call it on the device itself.
//
// Layout under a device root:
//
//   <root>/<name>/<version>/           an installed version's files
//   <root>/<name>/<version>.partial/   an unpack in progress (removed on failure
//                                      and by the next delivery of that version)
//   <root>/<name>/current -> <version> the active version (relative symlink)
//   <root>/<name>/previous -> <version> the one active before it
//   <root>/<name>/status.json          what is active, since when, history
//                                      (device_status.hpp)
//   <root>/<name>/.lock                flock: one delivery per model at a time
//
// Delivery: verify the signature against the trusted keys (before anything is
// written), unpack into `.partial` while checking every hash, fsync, rename;
// then switch `previous` and `current` (each a new symlink renamed over the
// old, then fsync of the directory), run the health check and switch back if
// it fails; finally keep the last `retain` versions, never current or previous.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bundle_manifest.hpp"
#include "device_status.hpp"
#include "health_check.hpp"
#include "minisign_format.hpp"
#include "progress.hpp"

namespace mlops {

using HealthRunner = std::function<HealthResult(const HealthCheck&, const std::filesystem::path& dir,
                                                const std::map<std::string, std::string>& env)>;

struct DeliveryOptions {
  bool activate = true;
  int retain = 3;                     // versions kept, current and previous included
  std::optional<HealthCheck> health;  // replaces the manifest's health check
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  HealthRunner health_runner = run_health_check;
};

enum class DeliveryOutcome {
  activated,    // the new version is current
  installed,    // installed, not activated (--no-activate)
  unchanged,    // it was already current: nothing changed
  rolled_back,  // its health check failed; the version active before is current again
};
std::string_view outcome_name(DeliveryOutcome o);

struct DeliveryReport {
  std::string name, version;
  DeliveryOutcome outcome = DeliveryOutcome::unchanged;
  std::optional<std::string> current, previous;  // after the delivery
  std::string signer;                            // key id
  std::optional<HealthResult> health;
  std::vector<std::string> removed;  // versions dropped by retention
  // Network transports: bytes uploaded now, and bytes an earlier, interrupted
  // upload had already left on the device.
  uint64_t bytes_sent = 0, bytes_resumed = 0;
};

// A version directory under a model, with how recently it was written
// (a larger rank is newer), for the retention rule.
struct VersionDir {
  std::string version;
  int64_t rank = 0;
};

// The versions retention drops from `dirs`: the oldest beyond `retain` (by
// the install time `s` records, then by rank), never current or previous,
// which count towards `retain`. One rule for DeviceRoot and for the SSH
// transport's POSIX-shell fallback, which plans its removals here.
std::vector<std::string> versions_to_prune(const std::vector<VersionDir>& dirs, const ModelStatus& s, int retain);

class DeviceRoot {
 public:
  // `root` must be an existing directory: Error(usage) naming it otherwise.
  explicit DeviceRoot(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }

  // Errors: Error(integrity) for an untrusted or altered bundle (nothing on
  // the device changed); Error(failure) for a version already on the device
  // with other content, a lock held too long, or I/O errors.
  DeliveryReport deliver(const std::filesystem::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                         const DeliveryOptions& options, Progress& progress);
  // Swaps current and previous. Error(failure) when there is no previous.
  ModelStatus rollback(const std::string& name, std::chrono::milliseconds lock_timeout);
  // Every model under the root (or only `name`), from its links and status file.
  std::vector<ModelStatus> status(const std::string& name = {}) const;

 private:
  std::filesystem::path root_;
};

}  // namespace mlops
