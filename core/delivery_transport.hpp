#pragma once
// How a bundle reaches a device. One class per URL scheme behind this small
// interface; `mlops deploy` knows only the interface. file:// calls
// DeviceRoot on a mounted root; ssh:// and https:// carry the bundle to an
// mlops on the device, which runs the same DeviceRoot code there. What a
// transport carries is DeliveryOptions only: the health check and the
// downgrade rule are the device's (DevicePolicy), never the request's.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "device_install.hpp"

namespace mlops {

class DeliveryTransport {
 public:
  virtual ~DeliveryTransport() = default;
  virtual DeliveryReport deliver(const std::filesystem::path& bundle, const DeliveryOptions& options,
                                 Progress& progress) = 0;
  virtual ModelStatus rollback(const std::string& name, const DeliveryOptions& options) = 0;
  virtual std::vector<ModelStatus> status(const std::string& name) = 0;
};

// A device root on this machine's filesystem (a mounted device; tests),
// accepting bundles signed by one of `trusted`, under `policy`.
std::unique_ptr<DeliveryTransport> file_transport(const std::filesystem::path& root,
                                                  std::vector<MinisignPublicKey> trusted, DevicePolicy policy);

}  // namespace mlops
