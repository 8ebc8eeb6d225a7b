#include "link_probe.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "atomic_file.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

LinkSupport try_reflink(const fs::path& src, const fs::path& dst) {
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  int rc = (in >= 0 && out >= 0) ? ::ioctl(out, FICLONE, in) : -1;
  int err = errno;
  if (in >= 0) ::close(in);
  if (out >= 0) ::close(out);
  ::unlink(dst.c_str());
  return {"reflink", rc == 0, rc == 0 ? "" : errno_text(err)};
}

LinkSupport try_call(const char* type, int rc, const fs::path& dst) {
  int err = errno;
  ::unlink(dst.c_str());
  return {type, rc == 0, rc == 0 ? "" : errno_text(err)};
}

}  // namespace

std::vector<LinkSupport> probe_link_types(const fs::path& cache_dir, const fs::path& work_dir) {
  fs::create_directories(cache_dir);
  std::string pid = std::to_string(::getpid());
  fs::path src = cache_dir / (".probe-src." + pid);
  fs::path dst = work_dir / (".mlops-probe-dst." + pid);
  write_file_atomic(src, "probe");
  std::vector<LinkSupport> out;
  out.push_back(try_reflink(src, dst));
  out.push_back(try_call("hardlink", ::link(src.c_str(), dst.c_str()), dst));
  out.push_back(try_call("symlink", ::symlink(src.c_str(), dst.c_str()), dst));
  std::error_code ec;
  bool copied = fs::copy_file(src, dst, ec);
  out.push_back({"copy", copied, copied ? "" : ec.message()});
  fs::remove(dst, ec);
  fs::remove(src, ec);
  return out;
}

}  // namespace mlops
