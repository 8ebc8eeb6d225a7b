#include "materialize.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "error.hpp"
#include "unique_fd.hpp"
#include "workspace_temp.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// errno values meaning "this link type does not work here", as opposed to a
// real failure that should stop the checkout.
bool unsupported(int err) {
  return err == EXDEV || err == EPERM || err == EOPNOTSUPP || err == ENOTTY || err == EINVAL || err == EMLINK ||
         err == ENOSYS;
}

[[noreturn]] void exists_error(const FileAt& dst) {
  throw Error(Errc::failure, "cannot create " + dst.string() + ": it already exists");
}

// A temp file beside `dst`, removed unless published.
class TempBeside {
 public:
  TempBeside(const FileAt& dst, mode_t mode) : dst_(dst) {
    fs::path dir = fs::path(dst.name).parent_path();
    name_ = (dir / workspace_temp_name(fs::path(dst.name).filename().string())).string();
    fd_ = create_temp_at(dst.dir, name_);
    if (!fd_) throw_errno("cannot create a temporary file beside " + dst.string());
    shown_ = dst.shown.parent_path() / fs::path(name_).filename();
    if (::fchmod(fd_.get(), mode) != 0) throw_errno("cannot set the mode of " + shown_.string());
  }
  ~TempBeside() {
    if (!published_) ::unlinkat(dst_.dir, name_.c_str(), 0);
  }
  int fd() const { return fd_.get(); }
  const fs::path& path() const { return shown_; }

  void publish() {
    fd_.reset();
    if (::renameat2(dst_.dir, name_.c_str(), dst_.dir, dst_.name.c_str(), RENAME_NOREPLACE) == 0) {
      published_ = true;
      return;
    }
    if (errno == EEXIST) exists_error(dst_);
    if (errno != EINVAL && errno != ENOSYS) throw_errno("cannot create " + dst_.string());
    // The filesystem lacks RENAME_NOREPLACE: link() also refuses to replace.
    if (::linkat(dst_.dir, name_.c_str(), dst_.dir, dst_.name.c_str(), 0) != 0) {
      if (errno == EEXIST) exists_error(dst_);
      throw_errno("cannot create " + dst_.string());
    }
  }

 private:
  FileAt dst_;
  std::string name_;  // relative to dst_.dir
  fs::path shown_;
  UniqueFd fd_;
  bool published_ = false;
};

void copy_fd(int in, int out, const fs::path& src, const fs::path& dst) {
  // copy_file_range lets the kernel copy (or share extents) without a trip
  // through userspace; fall back to read/write where it is not supported.
  for (;;) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, size_t{1} << 30, 0);
    if (n > 0) continue;
    if (n == 0) return;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
      throw_errno("cannot copy " + src.string() + " to " + dst.string());
    break;
  }
  std::string buf(size_t{1} << 20, '\0');
  for (;;) {
    size_t n = read_full(in, buf.data(), buf.size(), src);
    if (n == 0) return;
    write_all(out, buf.data(), n, dst);
  }
}

bool no_exec(mode_t mode, std::string& why) {
  if ((mode & 0111) == 0) return true;
  why = "the file is executable and a shared cache file is read-only, not executable";
  return false;
}

bool link_result(int rc, const FileAt& dst, std::string& why) {
  if (rc == 0) return true;
  int err = errno;
  if (err == EEXIST) exists_error(dst);
  if (!unsupported(err)) throw_errno("cannot create " + dst.string(), err);
  why = std::strerror(err);
  return false;
}

}  // namespace

mode_t new_file_mode(bool executable) {
  // umask() can only be read by setting it, so it is read once per process.
  static const mode_t mask = [] {
    mode_t m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return (executable ? 0777 : 0666) & ~mask;
}

void write_new_file(const FileAt& dst, std::string_view data, mode_t mode) {
  TempBeside tmp(dst, mode);
  write_all(tmp.fd(), data.data(), data.size(), tmp.path());
  tmp.publish();
}

bool place_file(const std::string& type, const fs::path& src, const FileAt& dst, mode_t mode, std::string& why) {
  if (type == "reflink" || type == "copy") {
    if (::faccessat(dst.dir, dst.name.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0) exists_error(dst);
    UniqueFd in = open_read(src);
    TempBeside tmp(dst, mode);
    if (type == "reflink") {
      if (::ioctl(tmp.fd(), FICLONE, in.get()) != 0) {
        int err = errno;
        if (!unsupported(err)) throw_errno("cannot reflink " + src.string(), err);
        why = std::strerror(err);
        return false;
      }
    } else {
      copy_fd(in.get(), tmp.fd(), src, dst.shown);
    }
    tmp.publish();
    return true;
  }
  if (type == "hardlink")
    return no_exec(mode, why) && link_result(::linkat(AT_FDCWD, src.c_str(), dst.dir, dst.name.c_str(), 0), dst, why);
  if (type == "symlink") {
    if (!no_exec(mode, why)) return false;
    fs::path target = src.is_absolute() ? src : fs::absolute(src);
    return link_result(::symlinkat(target.c_str(), dst.dir, dst.name.c_str()), dst, why);
  }
  throw Error(Errc::usage, "unknown link type '" + type + "' (expected reflink, hardlink, symlink or copy)");
}

}  // namespace mlops
