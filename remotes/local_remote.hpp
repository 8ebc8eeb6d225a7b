#pragma once
// A remote in a local or mounted directory (`/path`, `file:///path`, NFS
// shares): files under the root, written with the same atomic-write helper as
// the cache, so a crash mid-push leaves only temp files.
#include <filesystem>
#include <memory>

#include "remote.hpp"
#include "remote_factory.hpp"

namespace mlops {

class LocalRemote final : public Remote {
 public:
  explicit LocalRemote(std::filesystem::path root);
  const RemoteProperties& properties() const override { return props_; }
  Result<std::vector<bool>> exists(const std::vector<std::string>& keys) override;
  Result<std::vector<RemoteEntry>> list(const std::string& prefix) override;
  Result<std::vector<RemoteEntry>> list_unfinished(const std::string& prefix) override;
  Result<std::string> get_bytes(const std::string& key, std::optional<ByteRange> range) override;
  Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::filesystem::path& src) override;
  Status remove(const std::string& key) override;

 private:
  Failure classify(const std::string& what, int err) const;
  Result<std::vector<RemoteEntry>> walk(const std::string& prefix, bool unfinished);
  std::filesystem::path root_;
  RemoteProperties props_;
};

std::unique_ptr<Remote> make_local_remote(const RemoteSpec& spec);

}  // namespace mlops
