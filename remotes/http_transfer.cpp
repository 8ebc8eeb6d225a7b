#include "http_transfer.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "remote_factory.hpp"

namespace mlops {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

// What the curl callbacks share with http_send; exceptions never cross curl.
struct Exchange {
  CURL* curl = nullptr;
  const HttpRequest* req = nullptr;
  HttpResponse* resp = nullptr;
  std::string local_error;  // a sink or source failure (disk, file)
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    ex->resp->headers.clear();  // a new response (after 100 Continue, say) starts
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    ex->resp->headers.emplace_back(lower(trim_view(line.substr(0, colon))), std::string(trim_view(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300 || !ex->req->sink) {
    std::string& body = ex->resp->body;
    if (status < 300) body.append(data, n);
    else if (body.size() < kMaxErrorBody) body.append(data, std::min(n, kMaxErrorBody - body.size()));
    return n;
  }
  try {
    if (ex->req->sink(std::string_view(data, n))) return n;
    ex->resp->sink_stopped = true;
  } catch (const std::exception& e) {
    ex->local_error = e.what();
  }
  return 0;  // stops the transfer
}

size_t on_read(char* buf, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  try {
    return ex->req->body->read(buf, size * count);
  } catch (const std::exception& e) {
    ex->local_error = e.what();
    return CURL_READFUNC_ABORT;
  }
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (offset != 0 || origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  ex->req->body->rewind();
  return CURL_SEEKFUNC_OK;
}

void apply_settings(CURL* c, const HttpSettings& s) {
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, s.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, s.verify_tls ? 2L : 0L);
  if (!s.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_bundle.c_str());
  if (!s.client_cert.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, s.client_cert.c_str());
  if (!s.client_key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, s.client_key.c_str());
  if (!s.bearer_token.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, s.bearer_token.c_str());
  } else if (!s.user.empty() || !s.password.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  } else if (s.netrc) {
    curl_easy_setopt(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
  }
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& h) {
    curl_slist* next = curl_slist_append(list, h.c_str());
    if (!next) throw std::bad_alloc();
    list = next;
  }
};

}  // namespace

size_t MemorySource::read(char* buf, size_t size) {
  size_t n = std::min(size, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

size_t FileRangeSource::read(char* buf, size_t size) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(size, length_ - pos_));
  if (want == 0) return 0;
  size_t n = pread_full(fd_, buf, want, offset_ + pos_, path_);
  if (n != want) throw Error(path_.string() + " became shorter while it was being uploaded");
  pos_ += n;
  return n;
}

HttpSettings tls_settings(const RemoteSpec& spec) {
  HttpSettings s;
  std::string verify = lower(spec.option("ssl_verify", "true"));
  if (verify == "false" || verify == "no" || verify == "off" || verify == "0") s.verify_tls = false;
  else if (verify != "true" && verify != "yes" && verify != "on" && verify != "1")
    throw Error(Errc::usage, "remote." + spec.name + ".ssl_verify: '" + verify + "' is not true or false");
  s.ca_bundle = spec.option("ca_bundle");
  s.client_cert = spec.option("client_cert");
  s.client_key = spec.option("client_key");
  if (!s.client_key.empty() && s.client_cert.empty())
    throw Error(Errc::usage, "remote." + spec.name + ".client_key is set but client_cert is not");
  return s;
}

std::string http_status_text(long status) {
  static const std::pair<long, const char*> kTexts[] = {
      {400, "Bad Request"},       {401, "Unauthorized"},     {403, "Forbidden"},
      {404, "Not Found"},         {405, "Method Not Allowed"}, {409, "Conflict"},
      {411, "Length Required"},   {412, "Precondition Failed"}, {413, "Payload Too Large"},
      {416, "Range Not Satisfiable"}, {429, "Too Many Requests"}, {500, "Internal Server Error"},
      {501, "Not Implemented"},   {502, "Bad Gateway"},      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},   {507, "Insufficient Storage"}};
  for (const auto& [code, text] : kTexts)
    if (code == status) return std::to_string(status) + " " + text;
  return "HTTP " + std::to_string(status);
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

Result<HttpResponse> http_send(CurlEasy& handle, const HttpRequest& req, const HttpSettings& settings,
                               const std::string& what) {
  CURL* c = handle.get();
  HttpResponse resp;
  Exchange ex{c, &req, &resp, {}};
  HeaderList headers;
  for (const auto& h : req.headers) headers.add(h);

  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  apply_settings(c, settings);
  if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.body) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body->size()));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &ex);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &ex);
    if (req.method != "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);

  Status s = handle.perform(what);
  if (!ex.local_error.empty()) return Failure{FailureKind::permanent, what + ": " + ex.local_error};
  if (!s.ok() && !resp.sink_stopped) return s.failure();
  resp.status = handle.http_status();
  return resp;
}

std::optional<ContentRange> parse_content_range(std::string_view value) {
  value = trim_view(value);
  if (!value.starts_with("bytes ")) return std::nullopt;
  value.remove_prefix(6);
  auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange r;
  std::string_view span = value.substr(0, slash), total = value.substr(slash + 1);
  if (total != "*") {
    uint64_t t = 0;
    if (!parse_u64(total, t)) return std::nullopt;
    r.total = t;
  }
  if (span == "*") {
    r.unsatisfied = true;
    return r;
  }
  auto dash = span.find('-');
  if (dash == std::string_view::npos || !parse_u64(span.substr(0, dash), r.first) ||
      !parse_u64(span.substr(dash + 1), r.last) || r.last < r.first)
    return std::nullopt;
  return r;
}

Result<HttpResponse> http_get_range(CurlEasy& handle, HttpRequest req, uint64_t offset,
                                    std::optional<uint64_t> length, const BodySink& sink,
                                    const HttpSettings& settings, const std::string& what) {
  if (offset > 0 || length) {
    std::string range = "Range: bytes=" + std::to_string(offset) + "-";
    if (length) range += std::to_string(offset + *length - 1);
    req.headers.push_back(range);
  }
  // A 200 answer to a range request carries the whole object: its first
  // `offset` bytes are dropped. At most `take` bytes reach the sink.
  uint64_t skip = 0, delivered = 0;
  const uint64_t take = length.value_or(UINT64_MAX);
  bool first = true;
  CURL* c = handle.get();
  req.sink = [&](std::string_view chunk) {
    if (first) {  // the status is known by the first body byte
      first = false;
      long status = 0;
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
      if (status == 200) skip = offset;
    }
    size_t drop = static_cast<size_t>(std::min<uint64_t>(skip, chunk.size()));
    chunk.remove_prefix(drop);
    skip -= drop;
    size_t pass = static_cast<size_t>(std::min<uint64_t>(chunk.size(), take - delivered));
    if (pass > 0 && !sink(chunk.substr(0, pass))) return false;
    delivered += pass;
    return delivered < take;
  };

  auto got = http_send(handle, req, settings, what);
  if (!got.ok()) return got;
  HttpResponse& resp = got.value();
  if (resp.status == 416 && !length) {
    // Nothing left after `offset`: fine when the object is exactly that long.
    auto cr = parse_content_range(resp.header("content-range"));
    if (cr && cr->total && *cr->total == offset) {
      resp.status = 206;
      return got;
    }
    return Failure{FailureKind::permanent, what + ": the object is shorter than " + std::to_string(offset) + " bytes"};
  }
  if (resp.status == 416)
    return Failure{FailureKind::permanent, what + ": the object is shorter than the range asked for"};
  if (resp.status == 206) {
    auto cr = parse_content_range(resp.header("content-range"));
    if (!cr || cr->unsatisfied || cr->first != offset)
      return Failure{FailureKind::permanent, what + ": the server answered with another range ('" +
                                                 resp.header("content-range") + "') than the one asked for"};
  } else if (resp.status != 200) {
    return got;  // the backend classifies
  }
  if (resp.status == 200 && offset > 0 && (first || skip > 0))
    return Failure{FailureKind::permanent, what + ": the object is shorter than " + std::to_string(offset) + " bytes"};
  if (length && delivered < *length)
    return Failure{FailureKind::permanent, what + ": the object is shorter than the range asked for"};
  return got;
}

}  // namespace mlops
