#pragma once
// A file descriptor that closes itself, and the read/write loops every
// raw-fd user needs (EINTR, short transfers). Used where AtomicFile does not
// fit: pack temps whose name is known only at the end, preads of pack entries.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace mlops {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

// open(2) for reading with O_CLOEXEC; throws Error naming `path`.
UniqueFd open_read(const std::filesystem::path& path);
// Writes all of `data`; `what` names the file in the error.
void write_all(int fd, const void* data, size_t size, const std::filesystem::path& what);
// Reads up to `size` bytes at `offset`, retrying short reads; returns the
// count, less than `size` only at end of file.
size_t pread_full(int fd, void* data, size_t size, uint64_t offset, const std::filesystem::path& what);
// read(2) until `size` bytes or end of file; returns the count.
size_t read_full(int fd, void* data, size_t size, const std::filesystem::path& what);

}  // namespace mlops
