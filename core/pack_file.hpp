#pragma once
// Pack files: many small objects in one file, so that storing 20,000 small
// objects costs one file create and one fsync instead of 20,000 (DESIGN §3).
//
// Format, version 1 (all integers little-endian):
//
//   pack     = header entry*
//   header   = magic:"MLOPSPCK" version:u32            ; 12 bytes, version = 1
//   entry    = hash:u8[32] length:u64 encoding:u8 payload:u8[length]
//   encoding = 0                                        ; raw: payload is the object
//
// - `hash` is the SHA-256 of the object's plain bytes, whatever the encoding,
//   so entries are self-describing: the index can be rebuilt from packs alone.
// - `encoding` leaves room for compressed payloads (e.g. 1 = zstd) without a
//   new version; readers reject encodings they do not know.
// - A published pack is named `<sha256 of all its bytes>.pack` and never
//   changes; it is written as a temp file `.incoming.pack.tmp.XXXXXX` in the
//   same directory, fsynced, then linked to its name.
// - The index stores the offset of an entry's first byte (its hash field), so
//   a read checks the entry header against the wanted hash before the payload.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "digest.hpp"

namespace mlops {

inline constexpr char kPackMagic[8] = {'M', 'L', 'O', 'P', 'S', 'P', 'C', 'K'};
inline constexpr uint32_t kPackVersion = 1;
inline constexpr uint64_t kPackHeaderSize = 12;
inline constexpr uint64_t kPackEntryHeaderSize = 32 + 8 + 1;
inline constexpr uint8_t kEncodingRaw = 0;

struct PackEntry {
  Hash hash;
  uint64_t offset;  // of the entry header within the pack
  uint64_t length;  // stored payload bytes
};

// Appends entries to a new temp pack through a large userspace buffer and
// publishes it under its content name. Not thread-safe: the object store
// serialises appends. The temp file is flock()ed while the writer lives, so
// remove_stale_temp_files() can tell a live writer's temp from a crashed one.
// Destroying an unpublished writer removes its temp file.
class PackWriter {
 public:
  explicit PackWriter(const std::filesystem::path& packs_dir);
  ~PackWriter();
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  // Returns the offset of the new entry.
  uint64_t append(const Hash& hash, std::string_view data);
  uint64_t size() const { return size_; }
  const std::vector<PackEntry>& entries() const { return entries_; }
  // Writes the userspace buffer out so that read_pack_entry() on fd() sees
  // every appended entry.
  void flush_buffer();
  int fd() const;
  const std::filesystem::path& temp_path() const;
  // Hashes the pack, fsyncs it, links it to `<hash>.pack` (an existing pack of
  // that name wins: same name, same bytes), fsyncs the directory. Returns the
  // published file name.
  std::string publish();

 private:
  struct Temp;
  std::filesystem::path dir_;
  std::unique_ptr<Temp> temp_;
  std::string buffer_;
  uint64_t size_ = 0;
  std::vector<PackEntry> entries_;
};

// Reads the entry at `offset` (stored payload `length`) of the pack open as
// `fd` and returns the object's bytes after checking the header names
// `expected` and the payload hashes to it. Throws Error(integrity) naming the
// pack and the object on any mismatch, Error(failure) on I/O errors.
std::string read_pack_entry(int fd, const std::filesystem::path& pack, uint64_t offset, uint64_t length,
                            const Hash& expected);

// The same checks for an entry (header and payload) read by other means, such
// as a byte range of a remote pack; `where` names it in errors.
std::string decode_pack_entry(std::string_view entry, const Hash& expected, const std::string& where);

struct PackScan {
  std::vector<PackEntry> good;  // well-formed entries whose payload hashes to their header
  std::vector<PackEntry> bad;   // hash mismatch or unknown encoding
  bool truncated = false;       // the entries stop at a malformed or cut-off header
  uint64_t size = 0;
};

// Reads a whole pack sequentially, re-hashing every payload. Used to (re)build
// the index, so a corrupt entry never becomes readable through it. Throws
// Error(integrity) when the file is not a version-1 pack.
PackScan scan_pack(const std::filesystem::path& pack);

// "<64 hex>.pack" -> true.
bool is_pack_name(std::string_view name);

}  // namespace mlops
