#include "tar_io.hpp"

#include "error.hpp"

namespace mlops {

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unknown archive error";
}

void tar_write_header(archive* a, const std::string& path, uint64_t size, unsigned mode, time_t mtime,
                      const std::string& what) {
  std::unique_ptr<archive_entry, ArchiveEntryFree> e(archive_entry_new());
  archive_entry_set_pathname(e.get(), path.c_str());
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), mode);
  archive_entry_set_mtime(e.get(), mtime, 0);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK)
    throw Error(Errc::failure, "cannot write " + what + ": " + archive_message(a));
}

void tar_write_data(archive* a, const void* data, size_t size, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    la_ssize_t n = archive_write_data(a, p, size);
    if (n <= 0) throw Error(Errc::failure, "cannot write " + what + ": " + archive_message(a));
    p += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace mlops
