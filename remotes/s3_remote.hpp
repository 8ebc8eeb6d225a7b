#pragma once
// A remote in an S3 bucket (`s3://bucket/prefix`), on AWS or any
// S3-compatible server (remote.<name>.endpointurl, e.g. Ceph RGW, MinIO).
// Keys are objects named <prefix>/<key>. Requests are signed with SigV4
// (s3_sigv4.hpp) using the credentials of s3_credentials.hpp:
//
//   exists   HEAD object (a 404 triggers one HEAD of the bucket, so that a
//            missing bucket is an error rather than "nothing exists")
//   get      GET object with Range
//   put      PUT object (payload hash signed for bytes, UNSIGNED-PAYLOAD for
//            files); files of remote.<name>.multipart_threshold (64 MiB) and
//            more go up as a multipart upload in parts of multipart_chunksize
//            (8 MiB) streamed from the file, resumable (s3_multipart.cpp)
//   list     ListObjectsV2 with continuation tokens
//   remove   DELETE object
//
// Addressing is path-style (endpoint/bucket/key, the default) or virtual-host
// (bucket.endpoint/key, remote.<name>.addressing: virtual).
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http_transfer.hpp"
#include "remote.hpp"
#include "remote_factory.hpp"
#include "s3_sigv4.hpp"

namespace mlops {

class S3Remote final : public Remote {
 public:
  explicit S3Remote(const RemoteSpec& spec);
  const RemoteProperties& properties() const override { return props_; }
  Result<std::vector<bool>> exists(const std::vector<std::string>& keys) override;
  Result<std::vector<RemoteEntry>> list(const std::string& prefix) override;
  Result<std::string> get_bytes(const std::string& key, std::optional<ByteRange> range) override;
  Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::filesystem::path& src) override;
  Status remove(const std::string& key) override;
  uint64_t resumed_upload_bytes() const override { return resumed_bytes_; }

  static constexpr uint64_t kMinPartSize = 5ull << 20;  // S3's limits
  static constexpr uint64_t kMaxPartSize = 5ull << 30;

 private:
  using Query = std::vector<std::pair<std::string, std::string>>;
  // A signed request for `object` ("" = the bucket itself).
  HttpRequest make_request(const std::string& method, const std::string& object, const Query& query,
                           std::string_view payload_hash) const;
  Result<HttpResponse> send(HttpRequest& req, const std::string& op, const std::string& key);
  Failure failure(const std::string& op, const std::string& key, const HttpResponse& resp) const;
  // A HEAD answer has no <Error> body: for a refusal, ask again with a GET
  // (stopped after the first byte) to learn S3's error code.
  Failure head_failure(const std::string& op, const std::string& key, const std::string& object,
                       const HttpResponse& resp);
  Status check_bucket();
  Status put_single(const std::string& key, BodySource& body, std::string_view payload_hash);
  // s3_multipart.cpp
  struct UploadedPart {
    std::string etag;  // without quotes: the part's MD5 in hex on S3 and RGW
    uint64_t size = 0;
  };
  struct Upload {
    std::string id;
    std::string initiated;  // ISO 8601, sorts by time
    std::map<int, UploadedPart> parts;
  };
  Status put_multipart(const std::string& key, int fd, uint64_t size, const std::filesystem::path& src);
  Result<std::optional<Upload>> resumable_upload(const std::string& key);
  Result<std::vector<Upload>> uploads_of(const std::string& key);
  Status list_parts(const std::string& key, Upload& upload);
  Status abort_upload(const std::string& key, const std::string& upload_id);
  std::string what(const std::string& op, const std::string& key) const;
  std::string object_of(const std::string& key) const { return prefix_ + key; }

  std::string name_;
  std::string bucket_;
  std::string prefix_;  // "" or ends with '/'
  std::string region_;
  std::string scheme_;  // of the endpoint
  std::string host_;    // the Host header: [bucket.]host[:port]
  std::string endpoint_;
  bool virtual_host_ = false;
  AwsCredentials creds_;
  HttpSettings settings_;
  RemoteProperties props_;
  std::atomic<bool> bucket_checked_{false};
  uint64_t multipart_threshold_ = 0;
  uint64_t part_size_ = 0;
  std::atomic<uint64_t> resumed_bytes_{0};
};

std::unique_ptr<Remote> make_s3_remote(const RemoteSpec& spec);

}  // namespace mlops
