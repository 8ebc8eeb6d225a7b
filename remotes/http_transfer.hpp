#pragma once
// One HTTP exchange over a libcurl handle, shared by the HTTP/WebDAV and S3
// backends: request bodies streamed from memory or from a range of a file,
// response bodies streamed to a sink, TLS and authentication settings, and
// byte-range GETs that also cope with servers which ignore Range.
//
// A response whose status is >= 300 never reaches the sink (a 404 page must
// not end up in a downloaded object): its first 64 KiB are kept in
// HttpResponse::body, for the backend to classify (S3 <Error> documents).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curl_easy.hpp"
#include "result.hpp"

namespace mlops {

// A request body. read() throws Error on an I/O failure; rewind() starts
// over (curl rewinds when it must resend a body).
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t size() const = 0;
  virtual size_t read(char* buf, size_t size) = 0;
  virtual void rewind() = 0;
};

class MemorySource final : public BodySource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  size_t read(char* buf, size_t size) override;
  void rewind() override { pos_ = 0; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// `length` bytes of an open file from `offset` (pread: sources over one fd
// may be used one after the other without seeking).
class FileRangeSource final : public BodySource {
 public:
  FileRangeSource(int fd, uint64_t offset, uint64_t length, std::filesystem::path path)
      : fd_(fd), offset_(offset), length_(length), path_(std::move(path)) {}
  uint64_t size() const override { return length_; }
  size_t read(char* buf, size_t size) override;
  void rewind() override { pos_ = 0; }

 private:
  int fd_;
  uint64_t offset_, length_, pos_ = 0;
  std::filesystem::path path_;
};

// Receives a 2xx response body in pieces. Returning false stops the
// transfer early, which is then not a failure (the sink has what it needs).
// A sink may throw Error (e.g. a full disk); the exchange then fails with it.
using BodySink = std::function<bool(std::string_view)>;

struct HttpRequest {
  std::string method = "GET";  // GET HEAD PUT POST DELETE PROPFIND MKCOL MOVE ...
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  BodySource* body = nullptr;        // sent with Content-Length; nullptr: no body
  BodySink sink;                     // empty: a 2xx body is collected in HttpResponse::body
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response; names lower-case
  bool sink_stopped = false;
  // The value of header `name` (lower-case), or "".
  std::string header(std::string_view name) const;
};

// Per-remote connection settings. Secrets live here and nowhere else.
struct HttpSettings {
  bool verify_tls = true;
  std::string ca_bundle;
  std::string client_cert;
  std::string client_key;
  std::string user;
  std::string password;
  std::string bearer_token;
  bool netrc = false;  // credentials from ~/.netrc when none are configured
};

struct RemoteSpec;
// The TLS part of HttpSettings from remote.<name>.ssl_verify, ca_bundle,
// client_cert and client_key; Error(usage) naming the key on a bad value.
HttpSettings tls_settings(const RemoteSpec& spec);
// "404 Not Found" for the statuses storage servers use; "HTTP <n>" otherwise.
std::string http_status_text(long status);
inline bool is_success(long status) { return status >= 200 && status < 300; }

// Sends `req`. Transport failures (connect, TLS, reset, timeout) come back
// classified, with `what` (remote and key, no secrets) in the message; any
// HTTP status is a success here, for the backend to interpret.
Result<HttpResponse> http_send(CurlEasy& handle, const HttpRequest& req, const HttpSettings& settings,
                               const std::string& what);

struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;                // inclusive; meaningless when `unsatisfied`
  std::optional<uint64_t> total;    // nullopt for "*"
  bool unsatisfied = false;         // "bytes */N" (a 416 answer)
};
std::optional<ContentRange> parse_content_range(std::string_view value);

// A GET of bytes [offset, offset + length) into `sink` (no length: to the
// end). Sends Range when it is needed; accepts 206 with a Content-Range that
// starts at `offset`, or a 200 with the whole body, which is sliced; a 416
// for "from the end" is an empty success. A range that the object does not
// cover whole is a permanent failure. Other statuses are returned for the
// backend to classify.
Result<HttpResponse> http_get_range(CurlEasy& handle, HttpRequest req, uint64_t offset,
                                    std::optional<uint64_t> length, const BodySink& sink,
                                    const HttpSettings& settings, const std::string& what);

}  // namespace mlops
