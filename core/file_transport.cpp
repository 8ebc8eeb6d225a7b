// file://: the device root is a local directory, so delivery is DeviceRoot
// itself, with the trusted keys and the policy of the target's configuration.
#include "delivery_transport.hpp"

namespace mlops {
namespace {

class FileTransport final : public DeliveryTransport {
 public:
  FileTransport(const std::filesystem::path& root, std::vector<MinisignPublicKey> trusted, DevicePolicy policy)
      : device_(root), trusted_(std::move(trusted)), policy_(std::move(policy)) {}

  DeliveryReport deliver(const std::filesystem::path& bundle, const DeliveryOptions& options,
                         Progress& progress) override {
    return device_.deliver(bundle, trusted_, options, policy_, progress);
  }
  ModelStatus rollback(const std::string& name, const DeliveryOptions& options) override {
    return device_.rollback(name, options.lock_timeout);
  }
  std::vector<ModelStatus> status(const std::string& name) override { return device_.status(name); }

 private:
  DeviceRoot device_;
  std::vector<MinisignPublicKey> trusted_;
  DevicePolicy policy_;
};

}  // namespace

std::unique_ptr<DeliveryTransport> file_transport(const std::filesystem::path& root,
                                                  std::vector<MinisignPublicKey> trusted, DevicePolicy policy) {
  return std::make_unique<FileTransport>(root, std::move(trusted), std::move(policy));
}

}  // namespace mlops
