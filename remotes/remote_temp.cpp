#include "remote_temp.hpp"

#include <charconv>

#include "random_name.hpp"
#include "remote_catalog.hpp"

namespace mlops {
namespace {

constexpr std::string_view kMarker = ".tmp.";

std::string_view last_component(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

}  // namespace

std::string remote_temp_key(std::string_view key, int64_t now) {
  return std::string(key) + std::string(kMarker) + std::to_string(now) + "-" + random_hex16();
}

bool is_remote_temp_key(std::string_view key) { return last_component(key).find(kMarker) != std::string_view::npos; }

std::optional<int64_t> remote_temp_time(const RemoteEntry& entry) {
  std::string_view name = last_component(entry.key);
  size_t at = name.rfind(kMarker);
  if (at != std::string_view::npos) {
    std::string_view rest = name.substr(at + kMarker.size());
    int64_t t = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), t);
    if (ec == std::errc() && end != rest.data() && end + 17 == rest.data() + rest.size() && *end == '-') return t;
  }
  if (entry.mtime > 0) return entry.mtime;
  return std::nullopt;
}

TempSweep remove_stale_remote_temps(Remote& remote, int64_t now, bool dry_run) {
  TempSweep sweep;
  const int64_t max_age = std::chrono::duration_cast<std::chrono::seconds>(kRemoteTempMaxAge).count();
  for (const auto& entry : take(remote.list_unfinished(""))) {
    auto started = remote_temp_time(entry);
    if (!started || now - *started < max_age) continue;
    if (!dry_run) check(remote.remove(entry.key));
    sweep.removed++;
    sweep.bytes += entry.size;
  }
  return sweep;
}

}  // namespace mlops
