#pragma once
// The repository lock: an exclusive flock on .mlops/tmp/lock held by every
// command that mutates the repository, so two mlops processes never interleave
// writes (DESIGN §9.3). The holder writes who it is into the file so a waiting
// process can say who holds it:
//
//   <pid>\n<host>\n<command>\n     (a file of the first line alone is read too)
//
// The kernel drops the lock if the holder dies.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace mlops {

struct LockHolder {
  std::string pid = "unknown";
  std::string host;     // empty when not recorded
  std::string command;  // e.g. "mlops checkout"; empty when not recorded
  // "pid 42 (mlops push) on host h1", leaving out what is not recorded.
  std::string describe() const;
};

struct LockWaitOptions {
  std::string command;  // what this process records as its command
  // Called once, after about `notify_after` of waiting, so that a user is
  // not left looking at a silent terminal (core does not print).
  std::function<void(const LockHolder&)> on_wait;
  std::chrono::milliseconds notify_after{1000};
};

class RepoLock {
 public:
  // Waits up to `timeout`; throws Error(failure) naming the holder and what
  // `what` is locked.
  RepoLock(const std::filesystem::path& lock_file, std::chrono::milliseconds timeout,
           std::string_view what = "the repository", LockWaitOptions wait = {});
  ~RepoLock();
  RepoLock(const RepoLock&) = delete;
  RepoLock& operator=(const RepoLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mlops
