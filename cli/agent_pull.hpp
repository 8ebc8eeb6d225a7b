#pragma once
// `mlops agent pull`: the device side of the NAT pull mode. Each poll reads
// the newest publication of a model to a stage from a data remote
// (core/bundle_publication.hpp); when it is not the one this device handled
// last, it downloads the bundle (resuming a partial download), checks it
// against the publication's SHA-256 and installs it with DeviceRoot: the
// signature is verified with the device's own trusted keys, every file's
// hash too, and a failing health check switches back.
//
// What the device handled last is kept in <root>/.pull/<name>@<stage>.json
// (a dot-directory, which DeviceRoot's status ignores), format 1:
//
//   {"format": 1, "number": N, "sha256": "<hex>", "version": VERSION,
//    "outcome": OUTCOME, "time": "YYYY-MM-DDTHH:MM:SSZ"}
//
// A publication whose bundle was installed, found current, or rolled back
// after a failed health check is not tried again; one that was refused (an
// untrusted or altered bundle, a download error) is, at the next poll.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/bundle_publication.hpp"
#include "core/device_install.hpp"
#include "remotes/remote.hpp"

namespace mlops::cli {

struct PullOptions {
  std::string model, stage;
  std::filesystem::path root;
  std::vector<MinisignPublicKey> trusted;
  DeliveryOptions delivery;
  DevicePolicy policy;
};

struct PullResult {
  std::optional<Publication> publication;  // none: nothing published to the stage yet
  bool changed = false;                    // false: already handled, nothing downloaded
  std::optional<DeliveryReport> report;    // when a bundle was delivered
};

PullResult pull_once(Remote& remote, const PullOptions& options, Progress& progress);

}  // namespace mlops::cli
