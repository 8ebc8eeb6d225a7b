#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "error.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {

AtomicFile::AtomicFile(fs::path target, mode_t mode) : target_(std::move(target)) {
  fs::path dir = target_.parent_path();
  if (dir.empty()) dir = ".";
  std::string pattern = (dir / ("." + target_.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd_ < 0) throw_errno("cannot create a temporary file in " + dir.string());
  temp_ = buf.data();
  if (::fchmod(fd_, mode) != 0) {
    int err = errno;
    ::close(fd_);
    ::unlink(temp_.c_str());
    throw_errno("cannot set the mode of " + temp_.string(), err);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) { write(data.data(), data.size()); }

void AtomicFile::write(const void* data, size_t size) { write_all(fd_, data, size, temp_); }

void AtomicFile::commit(bool replace) {
  if (::fsync(fd_) != 0) throw_errno("cannot fsync " + temp_.string());
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw_errno("cannot close " + temp_.string());
  }
  fd_ = -1;
  if (replace) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) throw_errno("cannot rename to " + target_.string());
  } else {
    // link() fails with EEXIST instead of replacing: the existing object wins.
    if (::link(temp_.c_str(), target_.c_str()) != 0 && errno != EEXIST)
      throw_errno("cannot publish " + target_.string());
    ::unlink(temp_.c_str());
  }
  committed_ = true;
  fs::path dir = target_.parent_path();
  fsync_dir(dir.empty() ? fs::path(".") : dir);
}

void write_file_atomic(const fs::path& target, std::string_view data, mode_t mode) {
  AtomicFile f(target, mode);
  f.write(data);
  f.commit();
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open directory " + dir.string());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) throw_errno("cannot fsync directory " + dir.string(), err);
}

std::string read_file(const fs::path& path) {
  UniqueFd fd = open_read(path);
  std::string out;
  char buf[65536];
  while (size_t n = read_full(fd.get(), buf, sizeof buf, path)) out.append(buf, n);
  return out;
}

}  // namespace mlops
