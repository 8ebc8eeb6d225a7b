#include "health_url.hpp"

#include "http_transfer.hpp"

namespace mlops {

HealthResult check_health_url(const HealthCheck& check) {
  CurlEasy handle;
  curl_easy_setopt(handle.get(), CURLOPT_TIMEOUT, static_cast<long>(check.timeout_seconds));
  HttpRequest req;
  req.url = check.url;
  std::string body;
  req.sink = [&body](std::string_view part) {
    if (body.size() < 4096) body.append(part.substr(0, 4096 - body.size()));
    return true;
  };
  HealthResult r;
  auto resp = http_send(handle, req, HttpSettings{}, "health check " + check.url);
  if (!resp) {
    r.detail = resp.failure().message;
    return r;
  }
  long status = resp.value().status;
  r.output = status >= 300 ? resp.value().body : body;
  r.ok = status >= 200 && status < 300;
  if (!r.ok) r.detail = check.url + " answered " + http_status_text(status);
  return r;
}

HealthRunner health_runner_with_http() {
  return [](const HealthCheck& check, const std::filesystem::path& dir,
            const std::map<std::string, std::string>& env) {
    return check.url.empty() ? run_health_check(check, dir, env) : check_health_url(check);
  };
}

}  // namespace mlops
