#pragma once
// The network transports of `mlops deploy` (core/delivery_transport.hpp):
// they need curl or ssh, which core/ may not link, so they live here and
// cli/delivery_targets.cpp puts them in its scheme table.
//
// Both verify a bundle here, against the target's trusted keys, before a byte
// of it is sent (a bundle that would be refused never leaves the machine),
// and both leave the decision to the device, which verifies it again.
// Uploads go to `<root>/.incoming/<name>-<version>.mlbundle.part` on the
// device and resume from the size already there.
#include <memory>
#include <vector>

#include "core/bundle.hpp"
#include "core/delivery_transport.hpp"
#include "remote_factory.hpp"

namespace mlops {

// ssh://[user@]host[:port]/<root> (ssh_transport.cpp). Options of
// `spec` (target.<name>.*): user, port, keyfile, known_hosts as for ssh://
// remotes, and mlops_path (the mlops program on the device).
// `allow_downgrade` is the target's policy (target.<name>.allow_downgrade);
// the health check is always the bundle's signed one.
std::unique_ptr<DeliveryTransport> ssh_transport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted,
                                                 bool allow_downgrade);

// https://host:port of an `mlops agent serve` (https_transport.cpp). Options:
// ca (PEM file of CAs to trust instead of the system's), cert and key (a
// client certificate for mTLS), token (a bearer token). The agent applies
// its own policy (health check, downgrades); the request carries none.
std::unique_ptr<DeliveryTransport> https_transport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted);

// The incoming file of a bundle on a device, relative to its root.
std::string incoming_name(const BundleManifest& m);

// Verifies `bundle` completely (signature against `trusted`, every file's
// hash) and returns its header; Error(integrity) otherwise.
BundleHeader verify_bundle_locally(const std::filesystem::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                                   Progress& progress);

}  // namespace mlops
