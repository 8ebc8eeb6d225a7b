#pragma once
// Versions of the libraries linked into core/, for `mlops doctor` and bug reports.
#include <string>
#include <utility>
#include <vector>

namespace mlops {

std::vector<std::pair<std::string, std::string>> core_library_versions();

}  // namespace mlops
