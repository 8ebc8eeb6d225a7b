#pragma once
// The few libarchive pieces bundles need, with RAII and errors as mlops::Error.
#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

namespace mlops {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;

// libarchive's message for the last failure on `a`.
std::string archive_message(archive* a);

// A pax tar writer for regular files; `what` names the archive in errors.
// Files get owner 0:0, no user or group names, and `mtime`.
void tar_write_header(archive* a, const std::string& path, uint64_t size, unsigned mode, time_t mtime,
                      const std::string& what);
void tar_write_data(archive* a, const void* data, size_t size, const std::string& what);

}  // namespace mlops
