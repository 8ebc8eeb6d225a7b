#pragma once
// The storage interface every protocol implements (STYLE §2): a flat space of
// keys under the remote's URL prefix, holding immutable content-named files:
//
//   sha256/ab/cdef…         a large object, stored whole (DESIGN §3), maybe
//                           zstd-compressed (remote_codec.hpp)
//   packs/<hex>.pack        a pack of small objects (core/pack_file.hpp format)
//   packs/<hex>.idx         its index (remote_layout.hpp), written after the pack
//   run-refs/<run id>       a run's record object (cli/run_sync.hpp)
//   runs/ab/<key>           a run-cache entry (core/run_cache.hpp)
//   locks/<16 hex>          a push's or gc's lock object (remote_lock.hpp)
//   tmp/doctor-<16 hex>     `mlops doctor`'s probe, deleted right after
//   *.tmp.*                 an unfinished write (remote_temp.hpp), never listed
//
// Only content-addressed keys (sha256/, packs/) are ever deleted by gc
// (remote_gc.hpp); the others belong to the commands that write them.
// Keys use "/" separators and never start with "/". Writes are atomic where
// the protocol allows (temp + rename), and writing a key that already exists
// is success: same name, same bytes. Retry, concurrency limits and dry-run
// are decorators (remote_decorators.hpp), not part of each backend.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace mlops {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct RemoteEntry {
  std::string key;
  uint64_t size = 0;
  int64_t mtime = 0;  // seconds since the epoch, where list_unfinished() knows it; else 0
};

struct RemoteProperties {
  std::string scheme;       // file, ssh, s3, http, https
  std::string display;      // URL without credentials, for messages
  int default_jobs = 4;     // parallel transfers when not configured
  bool ranges = true;       // get_bytes honours a ByteRange cheaply
  bool writable = true;     // plain HTTP(S) without WebDAV is read-only
};

class Remote {
 public:
  virtual ~Remote() = default;
  virtual const RemoteProperties& properties() const = 0;

  // For each key, whether it exists (one answer per key, in order).
  virtual Result<std::vector<bool>> exists(const std::vector<std::string>& keys) = 0;
  // Every key under `prefix` (a "directory" such as "packs/"), with sizes.
  // An absent prefix is an empty list, not a failure. Unfinished writes
  // (remote_temp.hpp) are left out.
  virtual Result<std::vector<RemoteEntry>> list(const std::string& prefix) = 0;
  // Only the unfinished writes under `prefix`, for gc to remove old ones. A
  // backend that leaves none (S3 writes a key in one request) keeps this.
  virtual Result<std::vector<RemoteEntry>> list_unfinished(const std::string& prefix) {
    (void)prefix;
    return std::vector<RemoteEntry>{};
  }
  // The bytes of a key, or of a range of it.
  virtual Result<std::string> get_bytes(const std::string& key, std::optional<ByteRange> range = {}) = 0;
  // Streams a key into `dst`, appending from byte `resume_from` (the size of
  // a partial download already in `dst`), so large downloads resume.
  virtual Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from = 0) = 0;
  virtual Status put_bytes(const std::string& key, std::string_view data) = 0;
  // Streams a file up without reading it whole into memory.
  virtual Status put_file(const std::string& key, const std::filesystem::path& src) = 0;
  // Removing an absent key is success.
  virtual Status remove(const std::string& key) = 0;
  // Bytes that put_file() did not send because it resumed an interrupted
  // upload of the same key (S3 multipart), since this remote was opened.
  virtual uint64_t resumed_upload_bytes() const { return 0; }
};

}  // namespace mlops
