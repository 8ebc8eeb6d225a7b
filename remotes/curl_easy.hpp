#pragma once
// libcurl easy handles for the network backends: initialised once per
// process, one handle per thread and remote (so connections are reused), and
// one place that turns curl and HTTP errors into FailureKind.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "result.hpp"

namespace mlops {

class CurlEasy {
 public:
  CurlEasy();
  ~CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const { return h_; }
  // Clears per-request options but keeps connections and TLS sessions.
  void reset();
  // Runs the request; on a curl-level failure returns it classified, with
  // `what` (remote and key, no secrets) and curl's error text.
  Status perform(const std::string& what);
  long http_status() const;

 private:
  CURL* h_;
  char error_[CURL_ERROR_SIZE] = {};
};

FailureKind classify_curl(CURLcode code);
// For HTTP statuses >= 400: 401/403 auth, 404 not_found, 408/429/5xx transient.
FailureKind classify_http(long status);

// A handle for the calling thread, one per `owner` (a backend instance):
// requests of one thread to one remote reuse one connection.
CurlEasy& thread_handle(const void* owner);

}  // namespace mlops
