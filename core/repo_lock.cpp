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
namespace {

LockHolder read_holder(int fd) {
  char buf[512] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  LockHolder h;
  if (n <= 0) return h;
  auto lines = split(std::string_view(buf, static_cast<size_t>(n)), '\n');
  if (!lines.empty() && !trim(lines[0]).empty()) h.pid = trim(lines[0]);
  if (lines.size() > 1) h.host = trim(lines[1]);
  if (lines.size() > 2) h.command = trim(lines[2]);
  return h;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// One line of the lock file: no newline may split a field.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

std::string LockHolder::describe() const {
  std::string s = "pid " + pid;
  if (!command.empty()) s += " (" + command + ")";
  if (!host.empty()) s += " on host " + host;
  return s;
}

RepoLock::RepoLock(const fs::path& lock_file, milliseconds timeout, std::string_view what, LockWaitOptions wait) {
  fs::create_directories(lock_file.parent_path());
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno("cannot open the lock file " + lock_file.string());
  auto start = steady_clock::now();
  auto deadline = start + timeout;
  bool notified = !wait.on_wait;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd_);
      throw_errno("cannot lock " + lock_file.string(), err);
    }
    auto now = steady_clock::now();
    if (now >= deadline || interrupt_requested()) {
      LockHolder holder = read_holder(fd_);
      ::close(fd_);
      fd_ = -1;
      check_interrupted();
      throw Error(Errc::failure, std::string(what) + " is locked by another mlops process (" + holder.describe() +
                                     ", lock " + lock_file.string() + "); waited " +
                                     std::to_string(duration_cast<seconds>(timeout).count()) + " s");
    }
    if (!notified && now - start >= wait.notify_after) {
      notified = true;
      wait.on_wait(read_holder(fd_));
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::string me = std::to_string(::getpid()) + "\n" + one_line(host_name()) + "\n" + one_line(wait.command) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] ssize_t n = ::pwrite(fd_, me.data(), me.size(), 0);
  }
}

RepoLock::~RepoLock() {
  if (fd_ < 0) return;
  [[maybe_unused]] int rc = ::ftruncate(fd_, 0);
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace mlops
