#pragma once
// Bundles published on a data remote for devices that pull them (`mlops
// bundle publish` writes, `mlops agent pull` reads). A device behind NAT
// cannot be reached, so it polls; it has no repository and no signing key,
// so what it polls names a SIGNED bundle, which it verifies with its own
// trusted keys before installing (DeviceRoot). Keys on the remote, beside
// its objects (remotes/remote.hpp), all written once:
//
//   bundles/<name>/<sha256>.mlbundle   a bundle file, named by its SHA-256
//   bundles/<name>/<stage>/<N>.json    the N-th publication to <stage>
//
// The stage holds what its highest N names (N = 1, 2, ... in decimal, as a
// registry tag's `name#stage#N`). A publication record, format 1:
//
//   {"format": 1, "name": NAME, "stage": STAGE, "version": VERSION,
//    "bundle": "bundles/<name>/<sha256>.mlbundle", "sha256": "<64 hex>",
//    "size": BYTES, "published": "YYYY-MM-DDTHH:MM:SSZ"}
//
// The records are not signed: whoever can write the remote can point a stage
// at another published bundle (an older version, say), but never make a
// device install a bundle its keys did not sign.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"

namespace mlops {

struct Publication {
  std::string name, stage, version;
  std::string bundle;  // its key on the remote
  Hash sha256;
  uint64_t size = 0;
  std::string published;
  uint64_t number = 0;  // N, from the record's key
};

std::string publication_bundle_key(const std::string& name, const Hash& sha256);
// "bundles/<name>/<stage>/"; Error(usage) for a name or stage outside the
// bundle name grammar (bundle_manifest.hpp).
std::string publication_prefix(const std::string& name, const std::string& stage);
std::string publication_key(const std::string& name, const std::string& stage, uint64_t number);
// N of a key listed under publication_prefix(); nullopt for other keys.
std::optional<uint64_t> publication_number(std::string_view key, std::string_view prefix);

std::string serialize_publication(const Publication& p);
// Error(integrity) naming `origin` when malformed, or when it is not about
// `name` and `stage`, or names a bundle key other than the one it must.
Publication parse_publication(std::string_view text, const std::string& name, const std::string& stage,
                              const std::string& origin);

}  // namespace mlops
