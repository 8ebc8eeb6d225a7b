#include "s3_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "s3_credentials.hpp"
#include "uri_codec.hpp"
#include "xml_lite.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

struct S3Error {
  std::string code;
  std::string message;
};

// The <Error> document of a failed request (empty for HEAD, which has no body).
S3Error parse_error(const std::string& body) {
  auto doc = parse_xml(body);
  if (!doc || doc->name != "Error") return {};
  return {trim(doc->child_text("Code")), trim(doc->child_text("Message"))};
}

}  // namespace

S3Remote::S3Remote(const RemoteSpec& spec) : name_(spec.name), bucket_(spec.url.host) {
  prefix_ = spec.url.path.empty() ? "" : spec.url.path + "/";
  region_ = spec.option("region", "us-east-1");
  std::string addressing = spec.option("addressing", "path");
  if (addressing != "path" && addressing != "virtual")
    throw Error(Errc::usage, "remote." + name_ + ".addressing: '" + addressing + "' is not path or virtual");
  virtual_host_ = addressing == "virtual";
  endpoint_ = spec.option("endpointurl", "https://s3." + region_ + ".amazonaws.com");
  RemoteUrl ep;
  try {
    ep = parse_remote_url(endpoint_);
  } catch (const Error& e) {
    throw Error(Errc::usage, "remote." + name_ + ".endpointurl: " + e.what());
  }
  if (ep.scheme != "http" && ep.scheme != "https")
    throw Error(Errc::usage, "remote." + name_ + ".endpointurl: '" + endpoint_ + "' is not an http(s):// URL");
  if (!ep.path.empty() && ep.path != "/")
    throw Error(Errc::usage, "remote." + name_ + ".endpointurl: '" + endpoint_ + "' has a path; give scheme://host[:port]");
  scheme_ = ep.scheme;
  std::string host = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
  host_ = (virtual_host_ ? bucket_ + "." : "") + host + (ep.port ? ":" + std::to_string(ep.port) : "");
  creds_ = resolve_aws_credentials(spec);
  settings_ = tls_settings(spec);
  props_.scheme = "s3";
  props_.display = "s3://" + bucket_ + (spec.url.path.empty() ? "" : "/" + spec.url.path);
  if (!spec.option("endpointurl").empty()) props_.display += " at " + endpoint_;
  if (!settings_.verify_tls) props_.display += " (TLS NOT VERIFIED: ssl_verify is false)";
  props_.default_jobs = 8;
  multipart_threshold_ = parse_size(spec.option("multipart_threshold", "64MiB"), "remote." + name_ + ".multipart_threshold");
  part_size_ = parse_size(spec.option("multipart_chunksize", "8MiB"), "remote." + name_ + ".multipart_chunksize");
  if (part_size_ < kMinPartSize || part_size_ > kMaxPartSize)
    throw Error(Errc::usage, "remote." + name_ + ".multipart_chunksize: S3 parts are 5 MiB to 5 GiB");
}

std::string S3Remote::what(const std::string& op, const std::string& key) const {
  return "remote '" + name_ + "' (" + props_.display + "): " + op + (key.empty() ? "" : " " + key);
}

HttpRequest S3Remote::make_request(const std::string& method, const std::string& object, const Query& query,
                                   std::string_view payload_hash) const {
  std::string path = virtual_host_ ? "/" + uri_encode(object, true)
                                   : "/" + uri_encode(bucket_, false) + (object.empty() ? "" : "/" + uri_encode(object, true));
  std::string date = amz_date_now();
  std::string hash(payload_hash);
  HttpRequest req;
  req.method = method;
  std::string q = canonical_query(query);
  req.url = scheme_ + "://" + host_ + path + (q.empty() ? "" : "?" + q);
  req.headers = {"Host: " + host_, "x-amz-content-sha256: " + hash, "x-amz-date: " + date};
  SigV4Request sr{method, path, query, {{"host", host_}, {"x-amz-content-sha256", hash}, {"x-amz-date", date}}, hash};
  if (!creds_.session_token.empty()) {
    req.headers.push_back("x-amz-security-token: " + creds_.session_token);
    sr.headers.emplace_back("x-amz-security-token", creds_.session_token);
  }
  if (!creds_.empty()) req.headers.push_back("Authorization: " + sigv4_sign(sr, creds_, region_, "s3", date).authorization);
  return req;
}

Result<HttpResponse> S3Remote::send(HttpRequest& req, const std::string& op, const std::string& key) {
  auto got = http_send(thread_handle(this), req, settings_, what(op, key));
  if (!got.ok() && got.failure().kind == FailureKind::auth &&
      got.failure().message.find("certificate") != std::string::npos) {
    Failure f = got.failure();
    f.message += " (the endpoint's certificate is not trusted: set remote." + name_ + ".ca_bundle to the CA that signed it)";
    return f;
  }
  return got;
}

Failure S3Remote::failure(const std::string& op, const std::string& key, const HttpResponse& resp) const {
  S3Error e = parse_error(resp.body);
  std::string msg = what(op, key) + ": " + http_status_text(resp.status);
  if (!e.code.empty()) msg += " " + e.code;
  if (!e.message.empty()) msg += " (" + e.message + ")";
  const std::string& c = e.code;
  if (c == "NoSuchBucket")
    return {FailureKind::permanent, what(op, key) + ": bucket '" + bucket_ + "' does not exist at " + endpoint_};
  if (c == "NoSuchKey" || (c.empty() && resp.status == 404)) return {FailureKind::not_found, msg};
  if (c == "SignatureDoesNotMatch")
    return {FailureKind::auth, msg + ": the server rejected the request's signature; check the secret access key (from " +
                                   creds_.source + ")"};
  if (c == "InvalidAccessKeyId")
    return {FailureKind::auth, msg + ": the server does not know the access key id (from " + creds_.source + ")"};
  if (c == "ExpiredToken" || c == "InvalidToken" || c == "TokenRefreshRequired")
    return {FailureKind::auth, msg + ": the session token (from " + creds_.source + ") is not valid"};
  if (c == "AccessDenied" || c == "AllAccessDisabled" || resp.status == 401 || resp.status == 403) {
    if (creds_.empty())
      return {FailureKind::auth, msg + ": no credentials were found; set remote." + name_ +
                                     ".access_key_id and secret_access_key, AWS_ACCESS_KEY_ID and "
                                     "AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials"};
    return {FailureKind::auth, msg + ": access denied to the credentials from " + creds_.source +
                                   (c.empty() ? " (or a wrong secret access key)" : "")};
  }
  if (c == "RequestTimeTooSkewed")
    return {FailureKind::permanent, msg + ": this machine's clock differs too much from the server's"};
  if (c == "SlowDown" || c == "InternalError" || c == "ServiceUnavailable" || c == "RequestTimeout")
    return {FailureKind::transient, msg};
  if (resp.status == 301 || resp.status == 307) {
    std::string region = resp.header("x-amz-bucket-region");
    return {FailureKind::permanent, msg + ": the bucket is in another region" +
                                        (region.empty() ? std::string() : " (" + region + "); set remote." + name_ +
                                                                              ".region to " + region)};
  }
  if (resp.status < 400) return {FailureKind::permanent, msg + ": unexpected answer"};
  return {classify_http(resp.status), msg};
}

Failure S3Remote::head_failure(const std::string& op, const std::string& key, const std::string& object,
                               const HttpResponse& resp) {
  if ((resp.status != 401 && resp.status != 403) || !resp.body.empty()) return failure(op, key, resp);
  HttpRequest get = make_request("GET", object, {}, kEmptyPayloadHash);
  get.headers.push_back("Range: bytes=0-0");
  get.sink = [](std::string_view) { return false; };
  auto again = send(get, op, key);
  if (again.ok() && !parse_error(again.value().body).code.empty()) return failure(op, key, again.value());
  return failure(op, key, resp);
}

Status S3Remote::check_bucket() {
  if (bucket_checked_) return ok_status();
  HttpRequest req = make_request("HEAD", "", {}, kEmptyPayloadHash);
  auto got = send(req, "HEAD bucket", bucket_);
  if (!got.ok()) return got.failure();
  long status = got.value().status;
  if (status == 404)
    return Failure{FailureKind::permanent, what("HEAD bucket", "") + ": bucket '" + bucket_ + "' does not exist at " + endpoint_};
  if (!is_success(status)) return head_failure("HEAD bucket", bucket_, "", got.value());
  bucket_checked_ = true;
  return ok_status();
}

Result<std::vector<bool>> S3Remote::exists(const std::vector<std::string>& keys) {
  std::vector<bool> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    HttpRequest req = make_request("HEAD", object_of(key), {}, kEmptyPayloadHash);
    auto got = send(req, "HEAD", key);
    if (!got.ok()) return got.failure();
    long status = got.value().status;
    if (is_success(status)) {
      out.push_back(true);
    } else if (status == 404) {
      if (Status b = check_bucket(); !b.ok()) return b.failure();
      out.push_back(false);
    } else {
      return head_failure("HEAD", key, object_of(key), got.value());
    }
  }
  return out;
}

Result<std::string> S3Remote::get_bytes(const std::string& key, std::optional<ByteRange> range) {
  std::string out;
  if (range && range->length == 0) return out;
  if (range) out.reserve(range->length);
  HttpRequest req = make_request("GET", object_of(key), {}, kEmptyPayloadHash);
  auto got = http_get_range(thread_handle(this), req, range ? range->offset : 0,
                            range ? std::optional<uint64_t>(range->length) : std::nullopt,
                            [&](std::string_view chunk) {
                              out.append(chunk);
                              return true;
                            },
                            settings_, what("GET", key));
  if (!got.ok()) return got.failure();
  if (!is_success(got.value().status)) return failure("GET", key, got.value());
  return out;
}

Status S3Remote::get_file(const std::string& key, const fs::path& dst, uint64_t resume_from) {
  int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  UniqueFd guard(fd);
  if (::ftruncate(fd, static_cast<off_t>(resume_from)) != 0 || ::lseek(fd, 0, SEEK_END) < 0)
    return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  HttpRequest req = make_request("GET", object_of(key), {}, kEmptyPayloadHash);
  auto got = http_get_range(thread_handle(this), req, resume_from, std::nullopt,
                            [&](std::string_view chunk) {
                              write_all(fd, chunk.data(), chunk.size(), dst);
                              return true;
                            },
                            settings_, what("GET", key));
  if (!got.ok()) return got.failure();
  if (!is_success(got.value().status)) return failure("GET", key, got.value());
  return ok_status();
}

Status S3Remote::put_single(const std::string& key, BodySource& body, std::string_view payload_hash) {
  HttpRequest req = make_request("PUT", object_of(key), {}, payload_hash);
  req.body = &body;
  auto got = send(req, "PUT", key);
  if (!got.ok()) return got.failure();
  if (!is_success(got.value().status)) return failure("PUT", key, got.value());
  return ok_status();
}

Status S3Remote::put_bytes(const std::string& key, std::string_view data) {
  MemorySource body(data);
  return put_single(key, body, sha256_hex(data));
}

Status S3Remote::put_file(const std::string& key, const fs::path& src) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure{FailureKind::permanent, "cannot read " + src.string() + ": " + std::strerror(errno)};
  UniqueFd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return Failure{FailureKind::permanent, "cannot read " + src.string() + ": " + std::strerror(errno)};
  auto size = static_cast<uint64_t>(st.st_size);
  if (size >= multipart_threshold_) return put_multipart(key, fd, size, src);
  FileRangeSource body(fd, 0, size, src);
  return put_single(key, body, kUnsignedPayload);
}

Result<std::vector<RemoteEntry>> S3Remote::list(const std::string& prefix) {
  std::vector<RemoteEntry> out;
  std::string token;
  for (;;) {
    Query query{{"list-type", "2"}, {"prefix", object_of(prefix)}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    HttpRequest req = make_request("GET", "", query, kEmptyPayloadHash);
    auto got = send(req, "ListObjectsV2", prefix);
    if (!got.ok()) return got.failure();
    if (!is_success(got.value().status)) return failure("ListObjectsV2", prefix, got.value());
    std::string error;
    auto doc = parse_xml(got.value().body, &error);
    if (!doc || doc->name != "ListBucketResult")
      return Failure{FailureKind::permanent, what("ListObjectsV2", prefix) + ": the server's answer is not a listing" +
                                                 (error.empty() ? std::string() : ": " + error)};
    for (const XmlElement& c : doc->children) {
      if (c.name != "Contents") continue;
      std::string name = c.child_text("Key");
      uint64_t size = 0;
      if (!parse_u64(trim(c.child_text("Size")), size))
        return Failure{FailureKind::permanent, what("ListObjectsV2", prefix) + ": no size for " + name};
      if (starts_with(name, prefix_)) out.push_back({name.substr(prefix_.size()), size});
    }
    if (trim(doc->child_text("IsTruncated")) != "true") return out;
    std::string next = trim(doc->child_text("NextContinuationToken"));
    if (next.empty() || next == token)
      return Failure{FailureKind::permanent, what("ListObjectsV2", prefix) + ": a truncated listing without a new continuation token"};
    token = next;
  }
}

Status S3Remote::remove(const std::string& key) {
  HttpRequest req = make_request("DELETE", object_of(key), {}, kEmptyPayloadHash);
  auto got = send(req, "DELETE", key);
  if (!got.ok()) return got.failure();
  if (is_success(got.value().status)) return ok_status();
  Failure f = failure("DELETE", key, got.value());
  if (f.kind == FailureKind::not_found) return ok_status();
  return f;
}

std::unique_ptr<Remote> make_s3_remote(const RemoteSpec& spec) { return std::make_unique<S3Remote>(spec); }

}  // namespace mlops
