#include "local_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "remote_temp.hpp"

namespace fs = std::filesystem;

namespace mlops {

LocalRemote::LocalRemote(fs::path root) : root_(std::move(root)) {
  props_.scheme = "file";
  props_.display = root_.string();
  props_.default_jobs = 2;  // a local disk gains little from more
}

Failure LocalRemote::classify(const std::string& what, int err) const {
  FailureKind kind = FailureKind::permanent;
  if (err == ENOENT || err == ENOTDIR) kind = FailureKind::not_found;
  else if (err == EACCES || err == EPERM || err == EROFS) kind = FailureKind::auth;
  else if (err == EINTR || err == EAGAIN || err == EIO || err == ESTALE || err == ETIMEDOUT) kind = FailureKind::transient;
  return {kind, "remote " + root_.string() + ": " + what + ": " + std::strerror(err)};
}

Result<std::vector<bool>> LocalRemote::exists(const std::vector<std::string>& keys) {
  std::vector<bool> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    struct stat st {};
    if (::stat((root_ / k).c_str(), &st) == 0) out.push_back(true);
    else if (errno == ENOENT || errno == ENOTDIR) out.push_back(false);
    else return classify("cannot stat " + k, errno);
  }
  return out;
}

Result<std::vector<RemoteEntry>> LocalRemote::list(const std::string& prefix) { return walk(prefix, false); }

Result<std::vector<RemoteEntry>> LocalRemote::list_unfinished(const std::string& prefix) { return walk(prefix, true); }

// Finished keys, or (`unfinished`) only the temps of writes in progress or
// killed, with their mtimes.
Result<std::vector<RemoteEntry>> LocalRemote::walk(const std::string& prefix, bool unfinished) {
  std::vector<RemoteEntry> out;
  std::error_code ec;
  fs::path dir = root_ / prefix;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string key = it->path().lexically_relative(root_).string();
    if (is_remote_temp_key(key) != unfinished) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;  // removed meanwhile
    out.push_back({key, static_cast<uint64_t>(st.st_size), unfinished ? static_cast<int64_t>(st.st_mtime) : 0});
  }
  if (ec) return classify("cannot list " + prefix, ec.value());
  return out;
}

Result<std::string> LocalRemote::get_bytes(const std::string& key, std::optional<ByteRange> range) {
  int fd = ::open((root_ / key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return classify("cannot read " + key, errno);
  UniqueFd guard(fd);
  try {
    if (range) {
      std::string out(range->length, '\0');
      size_t n = pread_full(fd, out.data(), out.size(), range->offset, root_ / key);
      if (n != range->length) return Failure{FailureKind::permanent, "remote " + root_.string() + ": " + key + " is shorter than the range asked for"};
      return out;
    }
    std::string out;
    char buf[1 << 16];
    while (size_t n = read_full(fd, buf, sizeof buf, root_ / key)) out.append(buf, n);
    return out;
  } catch (const Error& e) {
    return Failure{FailureKind::transient, e.what()};
  }
}

Status LocalRemote::get_file(const std::string& key, const fs::path& dst, uint64_t resume_from) {
  int in = ::open((root_ / key).c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return classify("cannot read " + key, errno);
  UniqueFd in_guard(in);
  int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (out < 0) return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  UniqueFd out_guard(out);
  if (::ftruncate(out, static_cast<off_t>(resume_from)) != 0 || ::lseek(out, 0, SEEK_END) < 0)
    return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  try {
    std::string buf(1 << 20, '\0');
    uint64_t offset = resume_from;
    while (size_t n = pread_full(in, buf.data(), buf.size(), offset, root_ / key)) {
      write_all(out, buf.data(), n, dst);
      offset += n;
    }
  } catch (const Error& e) {
    return Failure{FailureKind::transient, e.what()};
  }
  return ok_status();
}

Status LocalRemote::put_bytes(const std::string& key, std::string_view data) {
  try {
    fs::path target = root_ / key;
    fs::create_directories(target.parent_path());
    AtomicFile f(target, 0444);
    f.write(data);
    f.commit(false);  // an existing key already holds these bytes
  } catch (const std::exception& e) {
    return Failure{FailureKind::permanent, "remote " + root_.string() + ": cannot write " + key + ": " + e.what()};
  }
  return ok_status();
}

Status LocalRemote::put_file(const std::string& key, const fs::path& src) {
  try {
    fs::path target = root_ / key;
    fs::create_directories(target.parent_path());
    UniqueFd in = open_read(src);
    AtomicFile f(target, 0444);
    std::string buf(1 << 20, '\0');
    while (size_t n = read_full(in.get(), buf.data(), buf.size(), src)) f.write(buf.data(), n);
    f.commit(false);
  } catch (const std::exception& e) {
    return Failure{FailureKind::permanent, "remote " + root_.string() + ": cannot write " + key + ": " + e.what()};
  }
  return ok_status();
}

Status LocalRemote::remove(const std::string& key) {
  if (::unlink((root_ / key).c_str()) != 0 && errno != ENOENT) return classify("cannot remove " + key, errno);
  return ok_status();
}

std::unique_ptr<Remote> make_local_remote(const RemoteSpec& spec) { return std::make_unique<LocalRemote>(spec.url.path); }

}  // namespace mlops
