#pragma once
// Timestamps as mlops writes them in manifests and status files.
#include <cstdint>
#include <ctime>
#include <string>

namespace mlops {

// "2024-05-01T12:00:00Z": UTC, ISO 8601, whole seconds.
std::string utc_timestamp(time_t t);
inline std::string utc_now() { return utc_timestamp(::time(nullptr)); }
// "2024-05-01T14:03:09+02:00": a moment in its own UTC offset, as git
// records times (seconds since the epoch, offset in minutes).
std::string iso8601(int64_t seconds, int offset_minutes);
// "2024-05-01T12:00:00.123Z": the same with milliseconds, for run records
// (`seconds` since the epoch), so runs within one second still sort.
std::string utc_timestamp_ms(double seconds);
// Seconds since the epoch, with sub-second precision.
double epoch_now();

}  // namespace mlops
