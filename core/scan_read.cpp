#include "scan_read.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "error.hpp"

namespace fs = std::filesystem;

namespace mlops {

FileStat to_file_stat(const struct stat& st) {
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_size)};
}

FileStat read_small_file(int dir, const char* name, const fs::path& path, std::string& buf, uint64_t expected) {
  int raw = ::openat(dir, name, O_RDONLY | O_CLOEXEC);
  if (raw < 0) throw_errno("cannot open " + path.string());
  UniqueFd fd(raw);
  buf.resize(expected + 1);  // one spare byte shows growth since the stat
  ssize_t first;
  do first = ::read(fd.get(), buf.data(), buf.size());
  while (first < 0 && errno == EINTR);
  if (first < 0) throw_errno("cannot read " + path.string());
  size_t got = static_cast<size_t>(first);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + path.string());
  if (got != static_cast<uint64_t>(st.st_size)) {
    for (;;) {
      got += read_full(fd.get(), buf.data() + got, buf.size() - got, path);
      if (got < buf.size()) break;
      buf.resize(buf.size() * 2);
    }
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + path.string());
  }
  buf.resize(got);
  return to_file_stat(st);
}

int DirHandle::open(std::string_view rel) {
  if (fd_ && rel == rel_) return fd_.get();
  fs::path abs = rel.empty() ? root_ : root_ / rel;
  int raw = ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (raw < 0) throw_errno("cannot open directory " + abs.string());
  fd_ = UniqueFd(raw);
  rel_ = rel;
  return raw;
}

}  // namespace mlops
