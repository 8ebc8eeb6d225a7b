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
//            | 1                                        ; zstd: payload is zstd frames
//                                                       ;   (core/zstd_codec.hpp) of it
//
// - `hash` is the SHA-256 of the object's plain bytes, whatever the encoding,
//   so entries are self-describing: the index can be rebuilt from packs alone,
//   and every read re-hashes the decoded bytes.
// - `length` is the stored payload length (compressed, for encoding 1).
// - Packs in the local cache hold raw entries only; zstd entries are written
//   for remotes with `compress` on (remotes/remote_codec.hpp), and a pack of a
//   remote may mix both. Readers reject encodings they do not know (mlops
//   before encoding 1 existed: "unknown encoding 1").
// - A published pack is named `<sha256 of its header and entry headers>.pack`
//   (the pack without its payloads) and never changes; it is written as a temp
//   file `.incoming.pack.tmp.XXXXXX` in the same directory, fsynced, then
//   renamed to its name. Every payload is bound to its entry header by the
//   hash in it, so the name identifies the whole content while costing no
//   second SHA-256 pass over the payloads.
// - The index stores the offset of an entry's first byte (its hash field), so
//   a read checks the entry header against the wanted hash before the payload.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
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
inline constexpr uint8_t kEncodingZstd = 1;

struct PackEntry {
  Hash hash;
  uint64_t offset;  // of the entry header within the pack
  uint64_t length;  // stored payload bytes
};

// Appends entries to a new temp pack through a large userspace buffer and
// publishes it under its content name. The temp file is flock()ed while the
// writer lives, so ObjectStore::remove_temp_files() can tell a live writer's
// temp from a crashed one's. Destroying an unpublished writer removes it.
//
// For many threads (the object store), I/O is kept out of the caller's lock:
// append_buffered() only copies; take_full_buffer(), called under the same
// lock, hands a full buffer over as a Spill whose write() (hash + pwrite +
// start of writeback) runs after that lock is released. Spills reserve the
// writer's I/O slot when taken, so the file and the pack hash see buffers in
// append order. Anything else is single-threaded, or under the caller's lock.
class PackWriter {
 public:
  explicit PackWriter(const std::filesystem::path& packs_dir);
  ~PackWriter();
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  class Spill {
   public:
    Spill(Spill&&) noexcept;
    ~Spill();  // a spill dropped unwritten makes publish() fail
    void write();

   private:
    friend class PackWriter;
    Spill(PackWriter& w, std::unique_lock<std::mutex> io, std::string data, uint64_t offset);
    PackWriter* writer_;
    std::unique_lock<std::mutex> io_;
    std::string data_;
    uint64_t offset_;
  };

  // Appends and writes out full buffers itself; returns the entry's offset.
  // `data` is the stored payload: the object itself, or its zstd frames with
  // kEncodingZstd (`hash` is always that of the plain object).
  uint64_t append(const Hash& hash, std::string_view data, uint8_t encoding = kEncodingRaw);
  // Appends to memory only; returns the entry's offset.
  uint64_t append_buffered(const Hash& hash, std::string_view data, uint8_t encoding = kEncodingRaw);
  std::optional<Spill> take_full_buffer();
  uint64_t size() const { return size_; }
  const std::vector<PackEntry>& entries() const { return entries_; }
  // Writes out everything appended (waiting for spills in flight), so that
  // read_pack_entry() on fd() sees every entry.
  void flush_buffer();
  int fd() const;
  const std::filesystem::path& temp_path() const;
  // Fsyncs the pack, renames it to its content name (see the grammar above;
  // a pack of that name already there has the same bytes), fsyncs the
  // directory.
  // Returns the published file name.
  std::string publish();

 private:
  struct Temp;
  void write_at(const std::string& data, uint64_t offset);
  std::filesystem::path dir_;
  std::unique_ptr<Temp> temp_;
  std::string buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  uint64_t size_ = 0;
  std::vector<PackEntry> entries_;
  std::mutex io_mu_;  // held by the spill being written; guards spare_
  std::string spare_;
  Hasher hasher_;     // over the header and entry headers appended: names the pack
  std::atomic<bool> failed_{false};
};

// Whether an entry header at `offset` with a payload of `length` bytes lies
// inside a pack of `pack_size` bytes, after the pack header.
bool entry_in_pack(uint64_t offset, uint64_t length, uint64_t pack_size);

// Reads the entry at `offset` (stored payload `length`) of the pack open as
// `fd` and returns the object's bytes after checking the header names
// `expected` and the (decoded) payload hashes to it. Throws Error(integrity) naming the
// pack and the object on any mismatch, or when the entry does not lie inside
// the file (checked before anything is allocated), Error(failure) on I/O errors.
std::string read_pack_entry(int fd, const std::filesystem::path& pack, uint64_t offset, uint64_t length,
                            const Hash& expected);

// The same checks for an entry (header and payload) read by other means, such
// as a byte range of a remote pack; `where` names it in errors.
std::string decode_pack_entry(std::string_view entry, const Hash& expected, const std::string& where);

struct PackScan {
  std::vector<PackEntry> good;  // well-formed entries whose decoded payload hashes to their header
  std::vector<PackEntry> bad;   // hash mismatch, corrupt zstd data or unknown encoding
  uint64_t encoded = 0;         // good entries that are not raw (zstd)
  bool truncated = false;       // the entries stop at a malformed or cut-off header
  bool bad_header = false;      // salvaged: the pack header is damaged
  uint64_t size = 0;
  bool intact() const { return bad.empty() && !truncated && !bad_header; }
};

// Reads a whole pack sequentially, re-hashing every payload. Used to (re)build
// the index, so a corrupt entry never becomes readable through it. Throws
// Error(integrity) when the file is not a version-1 pack, unless `salvage`:
// then `bad_header` is set and the entries after the header's 12 bytes are
// scanned all the same, since each proves itself by its hash.
PackScan scan_pack(const std::filesystem::path& pack, bool salvage = false);

// Error(integrity) naming `pack` when its first bytes are not a version-1
// pack header.
void check_pack_header(const std::filesystem::path& pack);

// The name ("<hex>.pack") of a pack holding exactly `entries`, all raw: what
// an index of such a pack can be checked against without the pack's bytes.
std::string raw_pack_name(std::vector<PackEntry> entries);

// "<64 hex>.pack" -> true.
bool is_pack_name(std::string_view name);

}  // namespace mlops
