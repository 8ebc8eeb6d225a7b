#pragma once
// The repository lock: an exclusive flock on .mlops/tmp/lock held by every
// command that mutates the repository, so two mlops processes never interleave
// writes (DESIGN §9.3). The holder writes its pid into the file so a waiting
// process can say who holds it. The kernel drops the lock if the holder dies.
#include <chrono>
#include <filesystem>
#include <string_view>

namespace mlops {

class RepoLock {
 public:
  // Waits up to `timeout`; throws Error(failure) naming the holder's pid and
  // `what` is locked.
  RepoLock(const std::filesystem::path& lock_file, std::chrono::milliseconds timeout,
           std::string_view what = "the repository");
  ~RepoLock();
  RepoLock(const RepoLock&) = delete;
  RepoLock& operator=(const RepoLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace mlops
