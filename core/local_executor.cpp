#include "local_executor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "atomic_file.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "unique_fd.hpp"

namespace mlops {
namespace {

constexpr auto kGrace = std::chrono::seconds(5);  // SIGTERM to SIGKILL

// The environment is built before fork: other threads may hold the malloc
// lock at that moment, so the child calls only async-signal-safe functions.
std::vector<std::string> child_environment(const StageJob& job) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    std::string name(kv.substr(0, kv.find('=')));
    if (!job.env.count(name)) env.emplace_back(kv);
  }
  for (const auto& [k, v] : job.env) env.push_back(k + "=" + v);
  return env;
}

[[noreturn]] void exec_child(const StageJob& job, const char* cmd, char* const* envp, int out_fd, int err_fd) {
  ::setpgid(0, 0);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  if (::chdir(job.cwd.c_str()) != 0) {
    const char msg[] = "mlops: cannot enter the stage's working directory\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  const char* argv[] = {"sh", "-c", cmd, nullptr};
  ::execve("/bin/sh", const_cast<char* const*>(argv), envp);
  ::_exit(127);
}

// Splits a stream into lines for the observer and the log.
class LineSink {
 public:
  LineSink(const StageJob& job, ExecObserver& obs, int log_fd, bool err) : job_(job), obs_(obs), log_(log_fd), err_(err) {}
  void feed(const char* data, size_t n) {
    buf_.append(data, n);
    size_t pos;
    while ((pos = buf_.find('\n')) != std::string::npos) {
      emit(std::string_view(buf_).substr(0, pos));
      buf_.erase(0, pos + 1);
    }
  }
  void close() {
    if (!buf_.empty()) emit(buf_);
    buf_.clear();
  }

 private:
  void emit(std::string_view line) {
    obs_.output(job_.stage, line, err_);
    std::string l(line);
    l += '\n';
    (void)!::write(log_, l.data(), l.size());
  }
  const StageJob& job_;
  ExecObserver& obs_;
  int log_;
  bool err_;
  std::string buf_;
};

ExecResult run_one(const StageJob& job, const std::string& cmd, ExecObserver& obs, int log_fd) {
  std::vector<std::string> env = child_environment(job);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw_errno("pipe");
  UniqueFd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw_errno("pipe");
  UniqueFd err_r(err_pipe[0]), err_w(err_pipe[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork for stage '" + job.stage + "'");
  if (pid == 0) exec_child(job, cmd.c_str(), envp.data(), out_w.get(), err_w.get());
  ::setpgid(pid, pid);  // also in the parent, so the kill below cannot miss
  out_w.reset();
  err_w.reset();

  LineSink out_sink(job, obs, log_fd, false), err_sink(job, obs, log_fd, true);
  pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
  int open_streams = 2;
  bool interrupted = false;
  std::chrono::steady_clock::time_point term_sent;
  char buf[8192];
  while (open_streams > 0) {
    int n = ::poll(fds, 2, 100);
    if (n < 0 && errno != EINTR) throw_errno("poll");
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? out_sink : err_sink).feed(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_streams;
      }
    }
    if (interrupt_requested() && !interrupted) {
      interrupted = true;
      term_sent = std::chrono::steady_clock::now();
      ::kill(-pid, SIGTERM);
    } else if (interrupted && std::chrono::steady_clock::now() - term_sent > kGrace) {
      ::kill(-pid, SIGKILL);
    }
  }
  out_sink.close();
  err_sink.close();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ExecResult r;
  r.interrupted = interrupted;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.ok = !interrupted && r.exit_code == 0 && r.signal == 0;
  return r;
}

}  // namespace

ExecResult LocalExecutor::run(const StageJob& job, ExecObserver& observer) {
  auto start = std::chrono::steady_clock::now();
  std::filesystem::create_directories(job.log.parent_path());
  UniqueFd log(::open(job.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log) throw_errno("cannot write the log " + job.log.string());
  ExecResult r;
  r.ok = true;
  for (const auto& cmd : job.cmd) {
    std::string header = "$ " + cmd + "\n";
    (void)!::write(log.get(), header.data(), header.size());
    r = run_one(job, cmd, observer, log.get());
    if (!r.ok) break;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace mlops
