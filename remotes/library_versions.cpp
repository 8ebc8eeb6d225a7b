#include "library_versions.hpp"

#include <curl/curl.h>

namespace mlops {

std::vector<std::pair<std::string, std::string>> remote_library_versions() {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  std::string curl = v->version;
  if (v->ssl_version) curl += std::string(" (") + v->ssl_version + ")";
  std::vector<std::pair<std::string, std::string>> out{{"libcurl", curl}};
  if (v->libssh_version) out.emplace_back("libssh", v->libssh_version);
  return out;
}

}  // namespace mlops
