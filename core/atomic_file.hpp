#pragma once
// The one way mlops writes a file that must survive a crash:
// temp file in the target's directory -> write -> fsync -> rename -> fsync dir.
// Until commit() the target is untouched; the destructor removes an
// uncommitted temp file, so an exception or Ctrl-C leaves nothing behind.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace mlops {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target, mode_t mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void write(const void* data, size_t size);
  int fd() const { return fd_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  // Publishes the file. With `replace` false an existing target is kept
  // (content-addressed writers: the same name means the same bytes).
  void commit(bool replace = true);

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_file_atomic(const std::filesystem::path& target, std::string_view data, mode_t mode = 0644);
void fsync_dir(const std::filesystem::path& dir);
std::string read_file(const std::filesystem::path& path);

}  // namespace mlops
