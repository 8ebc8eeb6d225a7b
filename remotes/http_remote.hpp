#pragma once
// A remote on an HTTP(S) server (`http(s)://host[:port]/path`). Reads are
// plain GET/HEAD with Range; writes and listings use WebDAV (RFC 4918):
//
//   put     PUT <key>.tmp.<time>-<random> (remote_temp.hpp), then MOVE to <key> with Overwrite: F
//           (412 = the key exists = success, the temp is deleted); a 409
//           (or nginx's 500) to the PUT means a missing parent: MKCOL the
//           parents, PUT again
//   list    PROPFIND Depth: 1 per collection, recursively (207 multistatus)
//   remove  DELETE (404 = success)
//
// A server without WebDAV answers PUT with 405/501: a permanent failure that
// says so. TLS is verified unless remote.<name>.ssl_verify is false (then
// the remote's display name says "TLS NOT VERIFIED", so every message warns).
// Authentication: basic (user/password), bearer (token), client certificate
// (client_cert/client_key), or ~/.netrc when none is configured.
#include <memory>
#include <string>

#include "http_transfer.hpp"
#include "remote.hpp"
#include "remote_factory.hpp"

namespace mlops {

class HttpRemote final : public Remote {
 public:
  explicit HttpRemote(const RemoteSpec& spec);
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
  // The URL of a key, or of a collection when `key` ends with '/'.
  std::string url_of(const std::string& key) const;
  std::string what(const std::string& op, const std::string& key) const;
  Result<HttpResponse> send(HttpRequest& req, const std::string& op, const std::string& key);
  Failure failure(const std::string& op, const std::string& key, const HttpResponse& resp) const;
  Status upload(const std::string& key, BodySource& body);
  Status make_collection(const std::string& dir, int depth);
  Result<std::vector<RemoteEntry>> walk(const std::string& prefix, bool unfinished);
  Status list_collection(const std::string& dir, std::vector<RemoteEntry>& out, int depth, bool unfinished);

  std::string name_;
  std::string origin_;     // scheme://host[:port]
  std::string base_path_;  // decoded; starts and ends with '/'
  HttpSettings settings_;
  RemoteProperties props_;
};

std::unique_ptr<Remote> make_http_remote(const RemoteSpec& spec);

}  // namespace mlops
