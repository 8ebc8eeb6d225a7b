#pragma once
// Lock objects on a remote, so `gc --remote` never deletes what a concurrent
// push is relying on, and two gcs never run at once (restic's scheme: a
// remote has no atomic compare-and-swap that every protocol offers, so a
// lock is an object that is written first and checked for rivals after).
//
//   locks/<16 hex>    one per holder, written once, never modified
//
// Lock format, version 1: text lines, in this order, "\n"-terminated:
//
//   lock      = "mlops-remote-lock 1" NL "kind " kind NL "operation " word NL
//               "host " word NL "pid " digits NL "time " digits NL
//   kind      = "shared" | "exclusive"
//
// `time` is seconds since the epoch at which the lock was written. `push`
// holds a shared lock, `gc --remote` an exclusive one. Taking a lock: write
// ours, list locks/, and if a live rival conflicts (either side exclusive),
// remove ours and fail naming the rival. A holder rewrites its lock under a
// new name every kRefreshEvery; a lock is stale, and ignored, when its time
// is older than kStaleAfter, or when it names this host and a process that no
// longer exists (a killed push). Stale locks are removed by the next
// exclusive holder. An unreadable lock counts as live: better to refuse a gc
// than to guess.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "remote.hpp"

namespace mlops {

enum class LockKind { shared, exclusive };

struct LockInfo {
  LockKind kind = LockKind::shared;
  std::string operation;  // "push", "gc"
  std::string host;
  int64_t pid = 0;
  int64_t time = 0;  // seconds since the epoch
};

std::string format_lock(const LockInfo& info);
// nullopt when `text` is not a version-1 lock.
std::optional<LockInfo> parse_lock(std::string_view text);
// Whether a lock found on a remote no longer protects anything.
bool lock_is_stale(const LockInfo& info, int64_t now, const std::string& this_host);

class RemoteLock {
 public:
  static constexpr std::chrono::minutes kRefreshEvery{5};
  static constexpr std::chrono::minutes kStaleAfter{30};

  // Takes the lock; Error(remote) naming the remote and the rival when a
  // live conflicting lock exists, or when the remote fails.
  RemoteLock(Remote& remote, LockKind kind, const std::string& operation);
  ~RemoteLock();  // releases (best effort: a lock left behind goes stale)
  RemoteLock(const RemoteLock&) = delete;
  RemoteLock& operator=(const RemoteLock&) = delete;

  // Removes the stale locks of others; returns how many.
  size_t remove_stale();

 private:
  void refresh_loop();
  std::string write_new();

  Remote& remote_;
  LockInfo info_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string key_;  // guarded by mu_ once the refresher runs
  std::thread refresher_;
};

}  // namespace mlops
