#pragma once
// Timestamps as mlops writes them in manifests and status files.
#include <ctime>
#include <string>

namespace mlops {

// "2024-05-01T12:00:00Z": UTC, ISO 8601, whole seconds.
std::string utc_timestamp(time_t t);
inline std::string utc_now() { return utc_timestamp(::time(nullptr)); }

}  // namespace mlops
