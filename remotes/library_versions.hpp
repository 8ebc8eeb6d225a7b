#pragma once
// Versions of the libraries linked into remotes/ (libcurl and its TLS/SSH backends).
#include <string>
#include <utility>
#include <vector>

namespace mlops {

std::vector<std::pair<std::string, std::string>> remote_library_versions();

}  // namespace mlops
