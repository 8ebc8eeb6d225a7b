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
// A version older than the current one is not activated unless the device's
// policy allows it; `rollback` is the explicit, recorded way back.
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

// What a deployer asks of one delivery. Every transport carries these to the
// device, and they never change what runs there.
struct DeliveryOptions {
  bool activate = true;
  int retain = 3;  // versions kept, current and previous included
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
};

// What only the device decides, from its own configuration (`mlops agent`
// flags; a file:// or ssh:// target's config, whose deployer owns the device
// anyway) and never from a request: with the trusted keys, the signed
// manifest and this policy are all that choose what runs on a device.
struct DevicePolicy {
  std::optional<HealthCheck> health;  // the device's own check, run instead of the manifest's
  bool allow_downgrade = false;       // may a delivery activate a version older than the current one
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

// Whether activating `m` would replace the current version recorded in `s`
// with an older one: by semantic-version precedence when both versions are
// semantic versions (1.2.0 > 1.1.9), else by the signed manifests' `created`
// times. False when there is no current version, or nothing to compare (a
// current version installed without a recorded creation time).
bool is_downgrade(const ModelStatus& s, const BundleManifest& m);
// The detail of the "activate" event of a downgrade the policy allowed.
inline constexpr std::string_view kAllowedDowngradeDetail = "a downgrade the device's policy allows";
// Error(failure) naming `where` when activating `m` over what `s` records
// as current is a downgrade and downgrades are not `allowed`. The one rule
// for DeviceRoot and the SSH shell fallback.
void check_downgrade(const ModelStatus& s, const BundleManifest& m, bool allowed, const std::string& where);

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

  // The health check run after activation is the policy's, else the signed
  // manifest's. Errors: Error(integrity) for an untrusted or altered bundle
  // (nothing on the device changed); Error(failure) for a version already on
  // the device with other content, a downgrade the policy refuses (before
  // anything is written), a lock held too long, or I/O errors.
  DeliveryReport deliver(const std::filesystem::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                         const DeliveryOptions& options, const DevicePolicy& policy, Progress& progress);
  // Swaps current and previous: the explicit way back, allowed whatever the
  // policy, and recorded in the status history as a "rollback" event.
  // Error(failure) when there is no previous.
  ModelStatus rollback(const std::string& name, std::chrono::milliseconds lock_timeout);
  // Every model under the root (or only `name`), from its links and status file.
  std::vector<ModelStatus> status(const std::string& name = {}) const;

 private:
  std::filesystem::path root_;
};

}  // namespace mlops
