#include "utc_time.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace mlops {

std::string utc_timestamp(time_t t) {
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string iso8601(int64_t seconds, int offset_minutes) {
  time_t local = static_cast<time_t>(seconds + int64_t{offset_minutes} * 60);
  struct tm tm {};
  ::gmtime_r(&local, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char zone[24];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return std::string(buf) + zone;
}

std::string utc_timestamp_ms(double seconds) {
  double whole = std::floor(seconds);
  int ms = static_cast<int>(std::lround((seconds - whole) * 1000));
  if (ms == 1000) {
    whole += 1;
    ms = 0;
  }
  std::string s = utc_timestamp(static_cast<time_t>(whole));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", ms);
  return s.substr(0, s.size() - 1) + frac;
}

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace mlops
