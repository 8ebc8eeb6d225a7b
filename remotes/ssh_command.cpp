#include "ssh_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr size_t kKeepOutput = 1 << 20;  // a command's stdout/stderr kept, each

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

struct Pipe {
  UniqueFd read, write;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("cannot create a pipe for ssh");
    read = UniqueFd(fds[0]);
    write = UniqueFd(fds[1]);
  }
};

[[noreturn]] void exec_ssh(const std::vector<std::string>& args, int in, int out, int err) {
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  _exit(127);
}

// Feeds the upload into ssh's stdin as the pipe takes it.
class Feeder {
 public:
  Feeder(const SshUpload* upload, Progress* progress) : upload_(upload), progress_(progress) {
    if (upload_) {
      fd_ = open_read(upload_->file);
      left_ = upload_->length;
    }
  }
  bool done() const { return left_ == 0 && pos_ == buf_.size(); }
  // Writes what the pipe takes now; false when the reader went away.
  bool pump(int fd) {
    if (pos_ == buf_.size()) refill();
    ssize_t n = ::write(fd, buf_.data() + pos_, buf_.size() - pos_);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    pos_ += static_cast<size_t>(n);
    if (progress_) progress_->advance(static_cast<uint64_t>(n));
    return true;
  }

 private:
  void refill() {
    buf_.resize(static_cast<size_t>(std::min<uint64_t>(left_, 256 * 1024)));
    size_t got = 0;
    while (got < buf_.size()) {
      ssize_t n = ::pread(fd_.get(), buf_.data() + got, buf_.size() - got,
                          static_cast<off_t>(upload_->offset + upload_->length - left_ + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_errno("cannot read " + upload_->file.string());
      if (n == 0) throw Error(Errc::failure, upload_->file.string() + " shrank while it was being uploaded");
      got += static_cast<size_t>(n);
    }
    left_ -= got;
    pos_ = 0;
  }

  const SshUpload* upload_;
  Progress* progress_;
  UniqueFd fd_;
  uint64_t left_ = 0;
  std::string buf_;
  size_t pos_ = 0;
};

void keep(std::string& to, const char* data, size_t n) {
  if (to.size() < kKeepOutput) to.append(data, std::min(n, kKeepOutput - to.size()));
}

}  // namespace

SshCommand::SshCommand(SshSettings settings, std::string what) : settings_(std::move(settings)), what_(std::move(what)) {}

std::vector<std::string> SshCommand::argv() const {
  const SshSettings& s = settings_;
  fs::path config = home_dir() / ".ssh" / "config";
  std::error_code ec;
  std::vector<std::string> a{"ssh",
                             "-F",
                             fs::exists(config, ec) ? config.string() : "/dev/null",
                             "-T",
                             "-o", "BatchMode=yes",
                             "-o", "StrictHostKeyChecking=yes",
                             "-o", "UserKnownHostsFile=" + s.known_hosts,
                             "-o", "LogLevel=ERROR",
                             "-o", "ConnectTimeout=30",
                             "-o", "ServerAliveInterval=15",
                             "-p", std::to_string(s.port),
                             "-l", s.user};
  if (!s.keyfile.empty()) a.insert(a.end(), {"-i", s.keyfile, "-o", "IdentitiesOnly=yes"});
  a.insert(a.end(), {"--", s.host});
  return a;
}

SshCommandResult SshCommand::run(const std::string& command, const SshUpload* upload, Progress* progress) const {
  std::vector<std::string> args = argv();
  args.push_back(command);
  Pipe in, out, err;
  Feeder feeder(upload, progress);
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("cannot start ssh");
  if (pid == 0) {
    if (!upload) in.write.reset();  // the remote command sees end of input at once
    exec_ssh(args, in.read.get(), out.write.get(), err.write.get());
  }
  in.read.reset();
  out.write.reset();
  err.write.reset();
  if (!upload) in.write.reset();
  else ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);

  SshCommandResult r;
  bool interrupted = false;
  char buf[65536];
  while (out.read || err.read) {
    if (interrupt_requested()) {
      interrupted = true;
      ::kill(pid, SIGTERM);
      break;
    }
    if (in.write && feeder.done()) in.write.reset();
    pollfd p[3] = {{out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}, {in.write.get(), POLLOUT, 0}};
    int rc = ::poll(p, 3, 200);
    if (rc < 0 && errno != EINTR) throw_errno("poll on ssh");
    if (rc <= 0) continue;
    if (p[2].revents & (POLLERR | POLLHUP)) in.write.reset();
    else if ((p[2].revents & POLLOUT) && !feeder.pump(in.write.get())) in.write.reset();
    for (int i = 0; i < 2; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      UniqueFd& fd = i == 0 ? out.read : err.read;
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fd.reset();
      else keep(i == 0 ? r.out : r.err, buf, static_cast<size_t>(n));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (interrupted) throw Error(Errc::interrupted, what_ + ": interrupted");
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && r.err.empty() && r.out.empty())
    throw Error(Errc::usage, "cannot run ssh: is the OpenSSH client installed?");
  if (r.exit_status == 255) fail(r);
  return r;
}

void SshCommand::fail(const SshCommandResult& r) const {
  const SshSettings& s = settings_;
  std::string where = what_ + " (" + s.user + "@" + s.host + ":" + std::to_string(s.port) + ")";
  std::string detail = r.err;
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  if (contains(r.err, "Host key verification failed") || contains(r.err, "REMOTE HOST IDENTIFICATION HAS CHANGED")) {
    std::string entry = s.port == 22 ? s.host : "[" + s.host + "]:" + std::to_string(s.port);
    std::string scan = (s.port == 22 ? "ssh-keyscan " : "ssh-keyscan -p " + std::to_string(s.port) + " ") + s.host;
    bool changed = contains(r.err, "HAS CHANGED");
    throw Error(Errc::remote,
                where + ": " +
                    (changed ? "the host key does not match the one recorded for " + entry + " in " + s.known_hosts +
                                   ": someone may be intercepting the connection, or the key was changed"
                             : "the host " + entry + " is not in " + s.known_hosts +
                                   ", so its key cannot be verified and was not trusted. If this is the right "
                                   "device, add its key with `" + scan + " >> " + s.known_hosts + "`"));
  }
  if (contains(r.err, "Permission denied"))
    throw Error(Errc::remote, where + " refused the login (" + detail + "); check the target's keyfile (" +
                                  (s.keyfile.empty() ? "none: ssh-agent and ~/.ssh/id_*" : s.keyfile) +
                                  ") and the device's authorized_keys");
  throw Error(Errc::remote, where + ": ssh failed" + (detail.empty() ? "" : ": " + detail));
}

std::string last_line(const std::string& text) {
  std::string t = trim(text);
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

Errc errc_from_exit(int status) {
  for (Errc e : {Errc::failure, Errc::usage, Errc::remote, Errc::integrity, Errc::interrupted})
    if (static_cast<int>(e) == status) return e;
  return Errc::remote;
}

std::string SshCommand::append_file(const fs::path& file, const std::string& part, uint64_t from, Progress& progress,
                                    bool sha256) const {
  uint64_t size = fs::file_size(file);
  if (from > size) from = 0;
  std::string dir = part.substr(0, part.rfind('/'));
  std::string cmd = "mkdir -p " + shell_quote(dir) + " && " + (from == 0 ? "cat > " : "cat >> ") + shell_quote(part) +
                    " && wc -c < " + shell_quote(part);
  if (sha256) cmd += " && sha256sum < " + shell_quote(part);
  progress.start("upload " + file.filename().string(), size, true);
  progress.advance(from);
  SshUpload up{file, from, size - from};
  SshCommandResult r = run(cmd, &up, &progress);
  progress.finish();
  if (r.exit_status != 0)
    throw Error(Errc::remote, what_ + ": cannot write " + part + " on the device: " + last_line(r.err));
  auto lines = split(trim(r.out), '\n');
  uint64_t got = 0;
  if (lines.empty() || !parse_u64(trim(lines[0]), got) || got != size)
    throw Error(Errc::remote, what_ + ": " + part + " holds " + (lines.empty() ? "?" : trim(lines[0])) +
                                  " bytes after the upload, not " + std::to_string(size) + "; run the deploy again");
  if (!sha256) return {};
  if (lines.size() != 2) throw Error(Errc::remote, what_ + ": no SHA-256 of " + part + " from the device: " + r.out);
  return trim(lines[1]).substr(0, 64);
}

}  // namespace mlops
