#pragma once
// Which ways of materialising a cached object in the workspace work on a
// filesystem: probed by trying each one on a scratch file, not guessed from
// the filesystem's name.
#include <filesystem>
#include <string>
#include <vector>

namespace mlops {

struct LinkSupport {
  std::string type;  // reflink | hardlink | symlink | copy
  bool works;
  std::string reason;  // why not, when it does not
};

// `cache_dir` and `work_dir` may be on different filesystems (hardlinks and
// reflinks then fail with EXDEV); the probe creates its files in both.
std::vector<LinkSupport> probe_link_types(const std::filesystem::path& cache_dir,
                                          const std::filesystem::path& work_dir);

}  // namespace mlops
