#include "curl_easy.hpp"

#include <map>
#include <mutex>

namespace mlops {
namespace {
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}
}  // namespace

CurlEasy::CurlEasy() {
  global_init();
  h_ = curl_easy_init();
  reset();
}

CurlEasy::~CurlEasy() { curl_easy_cleanup(h_); }

void CurlEasy::reset() {
  curl_easy_reset(h_);
  curl_easy_setopt(h_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h_, CURLOPT_CONNECTTIMEOUT, 30L);
  // Abort a transfer that moves less than 1 KiB/s for 60 s, rather than hang.
  curl_easy_setopt(h_, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(h_, CURLOPT_LOW_SPEED_TIME, 60L);
  error_[0] = '\0';
}

Status CurlEasy::perform(const std::string& what) {
  error_[0] = '\0';
  CURLcode rc = curl_easy_perform(h_);
  if (rc == CURLE_OK) return ok_status();
  std::string detail = error_[0] ? error_ : curl_easy_strerror(rc);
  return Failure{classify_curl(rc), what + ": " + detail};
}

long CurlEasy::http_status() const {
  long status = 0;
  curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

FailureKind classify_curl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_AGAIN:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FailureKind::transient;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_LOGIN_DENIED:
    case CURLE_REMOTE_ACCESS_DENIED:
      return FailureKind::auth;
    case CURLE_REMOTE_FILE_NOT_FOUND:
      return FailureKind::not_found;
    default:
      return FailureKind::permanent;
  }
}

FailureKind classify_http(long status) {
  if (status == 401 || status == 403) return FailureKind::auth;
  if (status == 404 || status == 410) return FailureKind::not_found;
  if (status == 408 || status == 429 || status >= 500) return FailureKind::transient;
  return FailureKind::permanent;
}

CurlEasy& thread_handle(const void* owner) {
  thread_local std::map<const void*, std::unique_ptr<CurlEasy>> handles;
  auto& h = handles[owner];
  if (!h) h = std::make_unique<CurlEasy>();
  else h->reset();
  return *h;
}

}  // namespace mlops
