#pragma once
// How the workspace scanner reads the small files it must hash: whole,
// opened relative to a directory handle (large ones go through hash_file()
// or the object store).
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "state_index.hpp"
#include "unique_fd.hpp"

namespace mlops {

FileStat to_file_stat(const struct stat& st);

// Reads a whole small file into `buf`, opened as `name` relative to the
// directory `dir`; `path` names it in errors. Returns the file's stat after
// the read. When one read(2) returns as many bytes as that stat reports, the
// file is whole and no read to see end of file is needed: a file changed
// meanwhile shows a new stat, which keeps it out of the state index, and what
// is stored is what was read.
FileStat read_small_file(int dir, const char* name, const std::filesystem::path& path, std::string& buf,
                         uint64_t expected);

// A worker's handle on the directory of the files it reads: work comes in
// directory order, so one open directory serves a run of files, and opening
// each file by its name alone spares the kernel a walk of the whole path.
class DirHandle {
 public:
  explicit DirHandle(const std::filesystem::path& root) : root_(root) {}
  // The descriptor of directory `rel` (relative to the root, "" for the root).
  int open(std::string_view rel);

 private:
  const std::filesystem::path& root_;
  std::string rel_;
  UniqueFd fd_;
};

}  // namespace mlops
