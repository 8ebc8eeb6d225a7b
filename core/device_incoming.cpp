#include "device_incoming.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "error.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// Whether `path` still names the file open as `fd`.
bool still_named(int fd, const fs::path& path) {
  struct stat held {}, named {};
  return ::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}

}  // namespace

fs::path incoming_dir(const fs::path& root) { return root / ".incoming"; }

UniqueFd lock_upload(const fs::path& path, bool create) {
  // A remover unlinks only files it locked, so the second open finds either
  // the same file or none: two tries are enough unless removers race us.
  for (int attempt = 0; attempt < 3; ++attempt) {
    int flags = (create ? O_WRONLY | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::open(path.c_str(), flags, 0600));
    if (!fd) {
      if (!create && errno == ENOENT) return {};
      throw_errno("cannot open the upload " + path.string());
    }
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
      throw Error(Errc::failure, "the upload " + path.filename().string() +
                                     " is in use by another request (an upload or activation in progress)");
    if (still_named(fd.get(), path)) return fd;
  }
  throw Error(Errc::failure, "the upload " + path.string() + " keeps being removed while it is opened");
}

std::vector<std::string> remove_stale_uploads(const fs::path& root, std::chrono::seconds max_age) {
  std::vector<std::string> removed;
  const auto oldest = std::chrono::system_clock::now() - max_age;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(incoming_dir(root), ec)) {
    std::error_code type_ec;
    if (!e.is_regular_file(type_ec) || e.is_symlink(type_ec)) continue;
    UniqueFd fd(::open(e.path().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // gone, or in use
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !still_named(fd.get(), e.path())) continue;
    auto modified = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                                         std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (modified >= oldest) continue;
    if (::unlink(e.path().c_str()) == 0) removed.push_back(e.path().filename().string());
  }
  return removed;
}

}  // namespace mlops
