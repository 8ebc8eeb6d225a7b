#include "remote_lock.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <ctime>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "random_name.hpp"
#include "remote_catalog.hpp"

namespace mlops {
namespace {

constexpr std::string_view kHeader = "mlops-remote-lock 1";
constexpr const char* kPrefix = "locks/";

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool process_exists(int64_t pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

std::string describe(const LockInfo& l) {
  return std::string(l.kind == LockKind::exclusive ? "an exclusive" : "a shared") + " lock held by " + l.operation +
         " (pid " + std::to_string(l.pid) + " on " + l.host + ", written " + std::to_string(::time(nullptr) - l.time) +
         " s ago)";
}

}  // namespace

std::string format_lock(const LockInfo& info) {
  return std::string(kHeader) + "\nkind " + (info.kind == LockKind::exclusive ? "exclusive" : "shared") +
         "\noperation " + info.operation + "\nhost " + info.host + "\npid " + std::to_string(info.pid) + "\ntime " +
         std::to_string(info.time) + "\n";
}

std::optional<LockInfo> parse_lock(std::string_view text) {
  std::vector<std::string> lines = split(std::string(text), '\n');
  if (lines.size() < 6 || lines[0] != kHeader) return std::nullopt;
  auto field = [&](size_t i, std::string_view name) -> std::optional<std::string> {
    std::string_view line = lines[i];
    if (line.size() <= name.size() + 1 || line.substr(0, name.size()) != name || line[name.size()] != ' ')
      return std::nullopt;
    return std::string(line.substr(name.size() + 1));
  };
  auto kind = field(1, "kind"), op = field(2, "operation"), host = field(3, "host");
  auto pid = field(4, "pid"), time = field(5, "time");
  if (!kind || !op || !host || !pid || !time || (*kind != "shared" && *kind != "exclusive")) return std::nullopt;
  LockInfo info{*kind == "exclusive" ? LockKind::exclusive : LockKind::shared, *op, *host, 0, 0};
  auto p = parse_int(*pid), t = parse_int(*time);
  if (!p || !t) return std::nullopt;
  info.pid = *p;
  info.time = *t;
  return info;
}

bool lock_is_stale(const LockInfo& info, int64_t now, const std::string& this_host_name) {
  if (now - info.time > std::chrono::seconds(RemoteLock::kStaleAfter).count()) return true;
  return info.host == this_host_name && !process_exists(info.pid);
}

RemoteLock::RemoteLock(Remote& remote, LockKind kind, const std::string& operation) : remote_(remote) {
  info_ = {kind, operation, this_host(), static_cast<int64_t>(::getpid()), 0};
  key_ = write_new();
  try {
    const std::string& where = remote_.properties().display;
    for (const auto& entry : take(remote_.list(kPrefix))) {
      if (entry.key == key_) continue;
      auto text = remote_.get_bytes(entry.key);
      if (!text.ok() && text.failure().kind == FailureKind::not_found) continue;  // released meanwhile
      std::optional<LockInfo> other = text.ok() ? parse_lock(text.value()) : std::nullopt;
      if (other && lock_is_stale(*other, ::time(nullptr), info_.host)) continue;
      if (other && kind == LockKind::shared && other->kind == LockKind::shared) continue;
      throw Error(Errc::remote, "remote " + where + " is locked: " + entry.key + " is " +
                                    (other ? describe(*other) : std::string("unreadable")) +
                                    "; wait for it to finish, or remove that object if nothing runs any more");
    }
  } catch (...) {
    (void)remote_.remove(key_);
    throw;
  }
  refresher_ = std::thread([this] { refresh_loop(); });
}

RemoteLock::~RemoteLock() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  (void)remote_.remove(key_);
}

std::string RemoteLock::write_new() {
  info_.time = ::time(nullptr);
  std::string key = kPrefix + random_hex16();
  check(remote_.put_bytes(key, format_lock(info_)));
  return key;
}

// Locks are written once (some protocols cannot overwrite atomically), so a
// refresh is a new lock object followed by removing the old one.
//
// The mutex is released for the requests: the destructor takes it to say
// stop, and must not wait behind a slow or stalled remote for that.
void RemoteLock::refresh_loop() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, kRefreshEvery, [this] { return stopping_; })) {
    std::string old = key_;
    lock.unlock();
    std::optional<std::string> fresh;
    try {
      fresh = write_new();
      (void)remote_.remove(old);
    } catch (const Error&) {
      // The remote is failing; the operation holding the lock will notice.
    }
    lock.lock();
    if (fresh) key_ = *fresh;
  }
}

size_t RemoteLock::remove_stale() {
  size_t removed = 0;
  std::string own;
  {
    std::lock_guard lock(mu_);
    own = key_;
  }
  for (const auto& entry : take(remote_.list(kPrefix))) {
    if (entry.key == own) continue;
    auto text = remote_.get_bytes(entry.key);
    if (!text.ok()) continue;
    auto other = parse_lock(text.value());
    if (other && lock_is_stale(*other, ::time(nullptr), info_.host) && remote_.remove(entry.key).ok()) ++removed;
  }
  return removed;
}

}  // namespace mlops
