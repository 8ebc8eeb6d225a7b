#pragma once
// Delivery over SSH to a device WITHOUT mlops: the same on-device layout,
// status file and rules as DeviceRoot (core/device_install.hpp), carried out
// by a POSIX-shell program (kFallbackScript, ssh_fallback_script.cpp) that
// runs as `sh -c SCRIPT mlops-fallback ACTION ARGS...` over SSH. The device
// needs sh, tar, sha256sum, readlink, date and `mv -T` (GNU coreutils or
// BusyBox); flock(1) when present serialises deliveries with the same lock
// file DeviceRoot uses; curl or wget only for a health URL.
//
// What cannot be done with a shell is done here, before a byte is sent:
//
//   - the bundle's signature and every file's hash are verified against the
//     target's trusted keys (the device cannot check Ed25519);
//   - the payload is decompressed into the plain tar the bundle carries, and
//     that tar is uploaded (resumable, into <root>/.incoming/<name>-
//     <version>.tar.part): a device without mlops may well lack zstd, and
//     the tar's bytes are fixed by the bundle, so a later run appends to an
//     interrupted upload and the device checks the whole file's SHA-256;
//   - the new status.json is computed from the device's current one (read
//     with cat) with the device_status.hpp code, once for success and once
//     for a failed health check, with the retention removals planned by
//     versions_to_prune(). Event times come from this machine's clock.
//
// On the device the script then, holding the model's lock, checks that
// nothing changed since it was read (links and status.json digest), unpacks
// into <version>.partial/, checks every file with `sha256sum -c` against the
// manifest's hashes (sent on stdin) and that no other file appeared, renames
// it to <version>, switches `previous` and `current` (ln -s + mv -T: a
// rename, so readers never see no link), writes status.json (temp + mv),
// runs the health check with its timeout and switches back when it fails,
// then removes the planned versions. Any failure removes .partial and the
// upload, before `current` was touched.
#include <filesystem>
#include <string>
#include <vector>

#include "core/bundle.hpp"
#include "core/device_install.hpp"
#include "ssh_command.hpp"

namespace mlops {

// The shell program, documented in ssh_fallback_script.cpp.
extern const char* const kFallbackScript;

class ShellFallback {
 public:
  // `ssh` reaches the device; `what` names the target in messages.
  ShellFallback(const SshCommand& ssh, std::string what);

  // `bundle` verified with `trusted` first; its signed manifest's health
  // check is the one run, and a downgrade is refused unless
  // `allow_downgrade` (check_downgrade(), as DeviceRoot). `part_size` is what
  // an earlier upload left in upload_name(). `url_tool` says whether the
  // device has curl or wget: without one, a health URL is refused before any
  // change.
  DeliveryReport deliver(const std::filesystem::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                         const DeliveryOptions& options, bool allow_downgrade, uint64_t part_size, bool url_tool,
                         Progress& progress);
  ModelStatus rollback(const std::string& name);
  std::vector<ModelStatus> status(const std::string& name);

  // The upload of a version, relative to the device root.
  static std::string upload_name(const BundleManifest& m);

 private:
  struct DeviceState;
  std::vector<DeviceState> read_state(const std::string& name);
  SshCommandResult run(const std::string& action, const std::vector<std::string>& args,
                       const SshUpload* input = nullptr);

  const SshCommand& ssh_;
  std::string what_;
};

}  // namespace mlops
