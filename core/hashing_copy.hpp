#pragma once
// Copies a file into a fresh temp file while hashing it: the one read pass
// behind `add` of a large file. Reading and hashing run on the calling
// thread, writing on a second one, so the copy costs about as long as the
// slower of the two rather than their sum. Where the filesystem allows it the
// destination is written with O_DIRECT: the bytes go to the disk as they are
// written instead of piling up as dirty pages that the final fsync would wait
// for (on this class of disk, buffered writes plus fsync took three times
// as long as the read).
#include <cstdint>
#include <filesystem>

#include "digest.hpp"

namespace mlops {

struct HashedCopy {
  Hash hash;
  uint64_t size = 0;
};

// Reads `from` to its end, writing every byte to `to` (a new, empty file
// opened for writing at offset 0) and hashing what was read. The names are
// for errors. Honours check_interrupted(). The caller fsyncs `to`.
HashedCopy copy_and_hash(int from, const std::filesystem::path& from_name, int to, const std::filesystem::path& to_name);

}  // namespace mlops
