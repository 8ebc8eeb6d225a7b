#include "health_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "error.hpp"
#include "unique_fd.hpp"

namespace mlops {
namespace {

constexpr size_t kKeepOutput = 4096;

void keep_tail(std::string& out, const char* data, size_t n) {
  out.append(data, n);
  if (out.size() > 2 * kKeepOutput) out.erase(0, out.size() - kKeepOutput);
}

[[noreturn]] void exec_child(const HealthCheck& check, const std::filesystem::path& dir,
                             const std::map<std::string, std::string>& env, int out_fd) {
  ::setpgid(0, 0);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  if (::chdir(dir.c_str()) != 0) _exit(126);
  ::execl("/bin/sh", "sh", "-c", check.cmd.c_str(), static_cast<char*>(nullptr));
  _exit(127);
}

}  // namespace

HealthResult run_health_check(const HealthCheck& check, const std::filesystem::path& dir,
                              const std::map<std::string, std::string>& env) {
  HealthResult r;
  if (check.cmd.empty()) {
    r.detail = "health URL " + check.url + " cannot be checked by this transport";
    return r;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("cannot create a pipe for the health check");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("cannot start the health check");
  if (pid == 0) exec_child(check, dir, env, write_end.get());
  ::setpgid(pid, pid);  // also here: no race with the child's own call
  write_end.reset();

  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::seconds(check.timeout_seconds);
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.get(), POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // every writer closed: the command (and its children) ended
    keep_tail(r.output, buf, static_cast<size_t>(n));
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (r.output.size() > kKeepOutput) r.output.erase(0, r.output.size() - kKeepOutput);
  if (timed_out) {
    r.detail = "timed out after " + std::to_string(check.timeout_seconds) + " s";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    r.ok = true;
  } else if (WIFEXITED(status)) {
    r.detail = "exit status " + std::to_string(WEXITSTATUS(status));
  } else {
    r.detail = "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return r;
}

}  // namespace mlops
