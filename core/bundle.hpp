#pragma once
// Bundles (DESIGN §7): a model version made portable, signed and verifiable.
//
// A bundle is a POSIX tar (pax) holding exactly these entries, in this order:
//
//   version            "mlops-bundle 1" LF
//   manifest.json      the manifest (bundle_manifest.hpp)
//   manifest.minisig   minisign signature over manifest.json, prehashed "ED"
//                      form (minisign_format.hpp); its trusted comment is
//                      bundle_trusted_comment(): "mlops-bundle/1 name=N
//                      version=V digest=sha256:<hex of manifest.json>"
//   payload.tar.zst    a zstd-compressed tar of the manifest's files: regular
//                      files only, each listed in the manifest, exactly once
//
// Everything a device must decide on (name, version, trust) comes before the
// payload, so a reader can refuse a bundle before unpacking a byte of it, and
// `minisign -Vm manifest.json -x manifest.minisig -p key.pub` checks the
// signature of an extracted manifest.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bundle_manifest.hpp"
#include "bundle_source.hpp"
#include "progress.hpp"
#include "signing_key.hpp"

namespace mlops {

inline constexpr std::string_view kBundleVersionText = "mlops-bundle 1\n";
inline constexpr std::string_view kBundleExtension = ".mlbundle";

struct BundleOptions {
  std::string name;     // empty: the source's default name
  std::string version;  // empty: the first 12 hex digits of bundle_content_digest()
  std::string git_commit;
  std::string run;
  nlohmann::json params, metrics, requirements;
  std::optional<HealthCheck> health;
  // The bundle file; empty: <output_dir>/<name>-<version>.mlbundle.
  std::filesystem::path output;
  std::filesystem::path output_dir = ".";
};

struct CreatedBundle {
  std::filesystem::path file;
  BundleManifest manifest;
  Hash manifest_digest;
  MinisignPublicKey signer;
  uint64_t bytes = 0;  // size of the bundle file
};

// Reads every file of `source` once (hashing it while compressing it into an
// unnamed temp file), then writes the bundle atomically. Nothing is left
// behind on failure.
CreatedBundle create_bundle(BundleSource& source, const BundleOptions& options, const SigningKey& key,
                            Progress& progress);

struct BundleHeader {
  BundleManifest manifest;
  std::string manifest_text;
  Hash manifest_digest;
  MinisignSignature signature;
  std::string signature_text;
};

// Reads a bundle file's entries in order. Errors are Error(integrity) naming
// the file and what is wrong with it.
class BundleReader {
 public:
  explicit BundleReader(std::filesystem::path file);
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  // Reads `version`, `manifest.json` and `manifest.minisig` and parses them;
  // checks nothing cryptographic (for inspect). Call once, first.
  const BundleHeader& read_header();
  // read_header(), then the signature against `trusted` and the trusted
  // comment against the manifest. Returns the key that signed.
  MinisignPublicKey verify_header(const std::vector<MinisignPublicKey>& trusted);
  // Reads the payload after the header: every file must be listed, once,
  // with the manifest's size and hash, and nothing may follow the payload.
  // With `dest` (which must not exist) the files are written below it,
  // fsynced, with the manifest's modes; on any failure `dest` is removed.
  void read_payload(const std::optional<std::filesystem::path>& dest, Progress& progress);
  // Writes the payload after the header, decompressed, to `out` (created,
  // not replaced): the plain tar the payload entry holds, byte for byte, for
  // a device that has tar but no zstd. Checks nothing inside it: verify the
  // bundle with read_payload() first. Returns the tar's SHA-256.
  Hash write_payload_tar(const std::filesystem::path& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlops
