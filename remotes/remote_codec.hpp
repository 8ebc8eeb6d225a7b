#pragma once
// How objects are encoded on a remote with `remote.<name>.compress` on
// (DESIGN §3: the key stays the hash of the plain bytes, every download is
// re-hashed). Remotes may be mixed: written by clients with compression on
// and off, at any level, so every reader accepts both encodings everywhere.
//
// Packed objects carry their encoding in the pack entry header
// (core/pack_file.hpp: 0 raw, 1 zstd), which every whole-pack or byte-range
// read fetches with the payload, so the pack index (remote_layout.hpp) needs
// no change: its `length` is the stored (compressed) payload length.
//
// Loose objects, at sha256/ab/cdef…:
//
//   loose   = raw | zloose
//   raw     = the object's bytes
//   zloose  = magic:"\x89MLOPSZ\n" frames      ; 8-byte magic, then zstd frames
//                                              ; whose content is the object
//
// The magic alone cannot tell the two apart (a raw object may begin with it:
// say, a tracked copy of a compressed object), so the content hash decides:
// an object that starts with the magic is decoded, and taken if the decoded
// bytes hash to its key; otherwise its raw bytes must. Collisions aside, at
// most one of the two can match.
//
// Writers compress only what shrinks: a pack entry is stored zstd when its
// frames are smaller than the object, a large object when a 1 MiB sample
// shrinks by 1/32 and the whole does too, so incompressible data (random
// bytes, images, archives) is stored plain and costs one sample's worth of
// compression per large object.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/digest.hpp"
#include "remote_factory.hpp"

namespace mlops {

class ObjectStore;

inline constexpr std::string_view kCompressedLooseMagic{"\x89MLOPSZ\n", 8};

// The zstd level of remote.<name>.compress: 0 when off. Error(usage) naming
// the key for a value other than true/false/1-19.
int compress_level(const RemoteSpec& spec);

struct EncodedEntry {
  std::string payload;
  uint8_t encoding;  // kEncodingRaw or kEncodingZstd
};
// A small object as a pack entry stores it: zstd at `level` when that is
// smaller, else raw. `level` 0: always raw.
EncodedEntry encode_entry(std::string_view plain, int level);

// A zloose copy of a large object, in a temp file removed when dropped.
class CompressedCopy {
 public:
  explicit CompressedCopy(std::filesystem::path path) : path_(std::move(path)) {}
  ~CompressedCopy();
  CompressedCopy(const CompressedCopy&) = delete;
  CompressedCopy& operator=(const CompressedCopy&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};
// The zloose form of `src` written in `tmp_dir`, or null when it would not be
// smaller (upload `src` itself then).
std::unique_ptr<CompressedCopy> compress_loose(const std::filesystem::path& src, const std::filesystem::path& tmp_dir,
                                               int level);

// Takes a loose object downloaded to `part` (either encoding) into the store,
// by the rule above. Error(integrity) naming `origin` when neither form hashes
// to `expected`: then `part` is removed and nothing enters the cache.
void adopt_loose(ObjectStore& store, const std::filesystem::path& part, const Hash& expected,
                 const std::string& origin);

}  // namespace mlops
