#include "repo_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "error.hpp"
#include "interrupt.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using namespace std::chrono;

namespace mlops {

RepoLock::RepoLock(const fs::path& lock_file, milliseconds timeout, std::string_view what) {
  fs::create_directories(lock_file.parent_path());
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno("cannot open the lock file " + lock_file.string());
  auto deadline = steady_clock::now() + timeout;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd_);
      throw_errno("cannot lock " + lock_file.string(), err);
    }
    if (steady_clock::now() >= deadline || interrupt_requested()) {
      char buf[32] = {};
      ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      fd_ = -1;
      check_interrupted();
      std::string pid = n > 0 ? trim(std::string_view(buf, static_cast<size_t>(n))) : "unknown";
      throw Error(Errc::failure, std::string(what) + " is locked by another mlops process (pid " + pid + ", lock " +
                                     lock_file.string() + "); waited " +
                                     std::to_string(duration_cast<seconds>(timeout).count()) + " s");
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] ssize_t n = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

RepoLock::~RepoLock() {
  if (fd_ < 0) return;
  [[maybe_unused]] int rc = ::ftruncate(fd_, 0);
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace mlops
