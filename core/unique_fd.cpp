#include "unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "error.hpp"

namespace mlops {

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

UniqueFd open_read(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + path.string());
  return UniqueFd(fd);
}

void write_all(int fd, const void* data, size_t size, const std::filesystem::path& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write " + what.string());
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

size_t pread_full(int fd, void* data, size_t size, uint64_t offset, const std::filesystem::path& what) {
  char* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, p + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + what.string());
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

size_t read_full(int fd, void* data, size_t size, const std::filesystem::path& what) {
  char* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + what.string());
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace mlops
