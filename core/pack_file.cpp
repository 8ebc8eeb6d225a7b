#include "pack_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "atomic_file.hpp"
#include "error.hpp"
#include "unique_fd.hpp"
#include "zstd_codec.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// Large enough that a 64 MiB pack is a few dozen write(2) calls. A buffer is
// written out once half full, so that the entry which crosses that mark (up
// to the default 1 MiB pack threshold) still fits without the string doubling.
constexpr size_t kWriteBuffer = 4 << 20;
constexpr size_t kSpillAt = kWriteBuffer / 2;
constexpr size_t kReadChunk = 1 << 20;
// Packs hold small objects (core.pack_threshold, 1 MiB by default): a zstd
// entry that decodes past this is refused rather than allowed to fill memory.
constexpr uint64_t kMaxDecodedEntry = uint64_t{1} << 30;

void put_u32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void put_u64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t get_u32(const unsigned char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
uint64_t get_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

void encode_pack_header(char* out) {
  std::memcpy(out, kPackMagic, sizeof kPackMagic);
  put_u32(out + 8, kPackVersion);
}

void encode_entry_header(char* out, const Hash& hash, uint64_t length, uint8_t encoding) {
  std::memcpy(out, hash.bytes.data(), 32);
  put_u64(out + 32, length);
  out[40] = static_cast<char>(encoding);
}

struct EntryHeader {
  Hash hash;
  uint64_t length;
  uint8_t encoding;
};

EntryHeader decode_entry_header(const unsigned char* p) {
  EntryHeader h;
  std::memcpy(h.hash.bytes.data(), p, 32);
  h.length = get_u64(p + 32);
  h.encoding = p[40];
  return h;
}

std::string object_at(const fs::path& pack, uint64_t offset) {
  return pack.string() + " at offset " + std::to_string(offset);
}

}  // namespace

struct PackWriter::Temp {
  fs::path path;
  UniqueFd fd;
  bool published = false;
  ~Temp() {
    if (!published && !path.empty()) ::unlink(path.c_str());
  }
};

PackWriter::PackWriter(const fs::path& packs_dir) : dir_(packs_dir), temp_(std::make_unique<Temp>()) {
  std::string pattern = (dir_ / ".incoming.pack.tmp.XXXXXX").string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) throw_errno("cannot create a temporary pack in " + dir_.string());
  temp_->path = pattern;
  temp_->fd = UniqueFd(fd);
  // Held until the writer dies; tells a live writer's temp from a crashed one's.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) throw_errno("cannot lock " + temp_->path.string());
  if (::fchmod(fd, 0444) != 0) throw_errno("cannot set the mode of " + temp_->path.string());
  buffer_.reserve(kWriteBuffer);
  char header[kPackHeaderSize];
  encode_pack_header(header);
  buffer_.append(header, sizeof header);
  hasher_.update(header, sizeof header);
  size_ = kPackHeaderSize;
}

PackWriter::~PackWriter() = default;

int PackWriter::fd() const { return temp_->fd.get(); }
const fs::path& PackWriter::temp_path() const { return temp_->path; }

uint64_t PackWriter::append_buffered(const Hash& hash, std::string_view data, uint8_t encoding) {
  char header[kPackEntryHeaderSize];
  encode_entry_header(header, hash, data.size(), encoding);
  hasher_.update(header, sizeof header);
  buffer_.append(header, sizeof header);
  buffer_.append(data);
  uint64_t offset = size_;
  size_ += sizeof header + data.size();
  entries_.push_back({hash, offset, data.size()});
  return offset;
}

uint64_t PackWriter::append(const Hash& hash, std::string_view data, uint8_t encoding) {
  uint64_t offset = append_buffered(hash, data, encoding);
  if (auto spill = take_full_buffer()) spill->write();
  return offset;
}

std::optional<PackWriter::Spill> PackWriter::take_full_buffer() {
  if (buffer_.size() < kSpillAt) return std::nullopt;
  // Taking the I/O slot here, under the caller's lock, is what orders spills.
  std::unique_lock io(io_mu_);
  std::string data;
  data.swap(spare_);  // reuse the last written buffer: no fresh 4 MiB to fault in
  data.clear();
  data.reserve(kWriteBuffer);
  data.swap(buffer_);
  uint64_t offset = buffer_offset_;
  buffer_offset_ += data.size();
  return Spill(*this, std::move(io), std::move(data), offset);
}

PackWriter::Spill::Spill(PackWriter& w, std::unique_lock<std::mutex> io, std::string data, uint64_t offset)
    : writer_(&w), io_(std::move(io)), data_(std::move(data)), offset_(offset) {}

PackWriter::Spill::Spill(Spill&& o) noexcept
    : writer_(std::exchange(o.writer_, nullptr)), io_(std::move(o.io_)), data_(std::move(o.data_)), offset_(o.offset_) {}

PackWriter::Spill::~Spill() {
  if (writer_) writer_->failed_ = true;
}

void PackWriter::Spill::write() {
  PackWriter* w = std::exchange(writer_, nullptr);
  try {
    w->write_at(data_, offset_);
  } catch (...) {
    w->failed_ = true;
    throw;
  }
  w->spare_.swap(data_);
  io_.unlock();
}

void PackWriter::write_at(const std::string& data, uint64_t offset) {
  const char* p = data.data();
  size_t left = data.size();
  uint64_t at = offset;
  while (left > 0) {
    ssize_t n = ::pwrite(fd(), p, left, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write " + temp_->path.string());
    }
    p += n;
    at += static_cast<uint64_t>(n);
    left -= static_cast<size_t>(n);
  }
  // Start writeback now, so that the fsync in publish() finds little left to
  // do; a hint only, hence no error check.
  ::sync_file_range(fd(), static_cast<off_t>(offset), static_cast<off_t>(data.size()), SYNC_FILE_RANGE_WRITE);
}

void PackWriter::flush_buffer() {
  std::lock_guard io(io_mu_);
  if (buffer_.empty()) return;
  try {
    write_at(buffer_, buffer_offset_);
  } catch (...) {
    failed_ = true;
    throw;
  }
  buffer_offset_ += buffer_.size();
  buffer_.clear();
}

std::string PackWriter::publish() {
  flush_buffer();
  if (failed_) throw Error("temporary pack " + temp_->path.string() + " is incomplete after a failed write");
  std::string name = hasher_.finish().hex() + ".pack";
  if (::fsync(fd()) != 0) throw_errno("cannot fsync " + temp_->path.string());
  fs::path target = dir_ / name;
  // Same name means same bytes, so replacing an existing pack is harmless.
  if (::rename(temp_->path.c_str(), target.c_str()) != 0) throw_errno("cannot publish pack " + target.string());
  temp_->published = true;
  fsync_dir(dir_);
  return name;
}

// The object's plain bytes from a stored payload, or nullopt when the payload
// does not decode to `expected` (or is in an encoding we do not know).
static std::optional<std::string> plain_payload(uint8_t encoding, std::string data, const Hash& expected) {
  if (encoding == kEncodingZstd) {
    try {
      data = zstd_decompress(data, kMaxDecodedEntry, expected.str());
    } catch (const Error&) {
      return std::nullopt;
    }
  } else if (encoding != kEncodingRaw) {
    return std::nullopt;
  }
  if (hash_bytes(data) != expected) return std::nullopt;
  return data;
}

// The checks every read of a packed object makes: the entry is the one asked
// for, in an encoding we know, and its plain bytes hash to its name.
static std::string checked_payload(const EntryHeader& h, std::string data, uint64_t length, const Hash& expected,
                                   const std::string& where) {
  if (h.hash != expected || h.length != length)
    throw Error(Errc::integrity, "pack entry in " + where + " is not object " + expected.str() + " (index or pack damaged)");
  if (h.encoding != kEncodingRaw && h.encoding != kEncodingZstd)
    throw Error(Errc::integrity,
                "object " + expected.str() + " in " + where + " has unknown encoding " + std::to_string(h.encoding));
  auto plain = plain_payload(h.encoding, std::move(data), expected);
  if (!plain)
    throw Error(Errc::integrity, "object " + expected.str() + " in " + where + " is corrupt (" +
                                     (h.encoding == kEncodingZstd ? "bad zstd data or " : "") + "hash mismatch)");
  return std::move(*plain);
}

bool entry_in_pack(uint64_t offset, uint64_t length, uint64_t pack_size) {
  return offset >= kPackHeaderSize && offset <= pack_size && pack_size - offset >= kPackEntryHeaderSize &&
         length <= pack_size - offset - kPackEntryHeaderSize;
}

std::string read_pack_entry(int fd, const fs::path& pack, uint64_t offset, uint64_t length, const Hash& expected) {
  // Bounded by the file's real size before anything is allocated or read: an
  // index row is only a claim (a damaged one may say 1e15 bytes at -100).
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + pack.string());
  if (!entry_in_pack(offset, length, static_cast<uint64_t>(st.st_size)))
    throw Error(Errc::integrity, "object " + expected.str() + " in " + pack.string() + ": entry of " +
                                     std::to_string(length) + " bytes at offset " +
                                     std::to_string(static_cast<int64_t>(offset)) + " lies outside the pack (" +
                                     std::to_string(st.st_size) + " bytes); the pack index is damaged");
  unsigned char header[kPackEntryHeaderSize];
  std::string data(length, '\0');
  iovec iov[2] = {{header, sizeof header}, {data.data(), data.size()}};
  size_t want = sizeof header + length;
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::preadv(fd, iov, 2, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read object " + expected.str() + " from " + pack.string());
    }
    if (n == 0)
      throw Error(Errc::integrity, "object " + expected.str() + " in " + object_at(pack, offset) + " is cut off");
    got += static_cast<size_t>(n);
    // Rare short read: advance the iovecs past what arrived.
    size_t skip = static_cast<size_t>(n);
    for (auto& v : iov) {
      size_t s = std::min(skip, v.iov_len);
      v.iov_base = static_cast<char*>(v.iov_base) + s;
      v.iov_len -= s;
      skip -= s;
    }
  }
  return checked_payload(decode_entry_header(header), std::move(data), length, expected, object_at(pack, offset));
}

std::string decode_pack_entry(std::string_view entry, const Hash& expected, const std::string& where) {
  if (entry.size() < kPackEntryHeaderSize)
    throw Error(Errc::integrity, "object " + expected.str() + " in " + where + " is cut off");
  std::string data(entry.substr(kPackEntryHeaderSize));
  uint64_t length = data.size();
  return checked_payload(decode_entry_header(reinterpret_cast<const unsigned char*>(entry.data())), std::move(data),
                         length, expected, where);
}

namespace {

// Sequential reader over a whole pack with one large buffer.
class PackReader {
 public:
  PackReader(int fd, const fs::path& path) : fd_(fd), path_(path), buf_(kReadChunk, '\0') {}

  // Copies up to `n` bytes; returns the count (short only at end of file).
  size_t read(void* out, size_t n) {
    char* p = static_cast<char*>(out);
    size_t done = 0;
    while (done < n) {
      if (pos_ == end_ && !fill()) break;
      size_t k = std::min(n - done, end_ - pos_);
      std::memcpy(p + done, buf_.data() + pos_, k);
      pos_ += k;
      done += k;
    }
    return done;
  }

  // Feeds the next `n` bytes to `hasher`; returns the count fed.
  uint64_t hash(Hasher& hasher, uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
      if (pos_ == end_ && !fill()) break;
      size_t k = static_cast<size_t>(std::min<uint64_t>(n - done, end_ - pos_));
      hasher.update(buf_.data() + pos_, k);
      pos_ += k;
      done += k;
    }
    return done;
  }

 private:
  bool fill() {
    end_ = read_full(fd_, buf_.data(), buf_.size(), path_);
    pos_ = 0;
    return end_ > 0;
  }
  int fd_;
  const fs::path& path_;
  std::string buf_;
  size_t pos_ = 0, end_ = 0;
};

}  // namespace

// Why the first `n` bytes of `pack` are not a version-1 header; "" when they are.
static std::string header_problem(const fs::path& pack, const unsigned char* header, size_t n) {
  if (n != kPackHeaderSize || std::memcmp(header, kPackMagic, sizeof kPackMagic) != 0)
    return pack.string() + " is not an mlops pack file (bad magic)";
  if (uint32_t version = get_u32(header + 8); version != kPackVersion)
    return pack.string() + " has pack format version " + std::to_string(version) + "; this mlops reads version " +
           std::to_string(kPackVersion);
  return "";
}

void check_pack_header(const fs::path& pack) {
  UniqueFd fd = open_read(pack);
  unsigned char header[kPackHeaderSize];
  std::string problem = header_problem(pack, header, pread_full(fd.get(), header, sizeof header, 0, pack));
  if (!problem.empty()) throw Error(Errc::integrity, problem);
}

PackScan scan_pack(const fs::path& pack, bool salvage) {
  UniqueFd fd = open_read(pack);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + pack.string());
  PackScan scan;
  scan.size = static_cast<uint64_t>(st.st_size);
  PackReader reader(fd.get(), pack);
  unsigned char header[kPackHeaderSize];
  std::string bad_header = header_problem(pack, header, reader.read(header, sizeof header));
  if (!bad_header.empty()) {
    if (!salvage || scan.size < kPackHeaderSize) throw Error(Errc::integrity, bad_header);
    scan.bad_header = true;
  }
  Hasher hasher;
  uint64_t offset = kPackHeaderSize;
  for (;;) {
    unsigned char raw[kPackEntryHeaderSize];
    size_t n = reader.read(raw, sizeof raw);
    if (n == 0) break;
    EntryHeader h = decode_entry_header(raw);
    if (n < sizeof raw || h.length > scan.size - offset - sizeof raw) {
      scan.truncated = true;
      break;
    }
    PackEntry entry{h.hash, offset, h.length};
    bool ok;
    if (h.encoding == kEncodingRaw) {
      reader.hash(hasher, h.length);  // streamed: a raw entry may be large
      ok = hasher.finish() == h.hash;
    } else {
      std::string payload(h.length, '\0');
      reader.read(payload.data(), payload.size());
      ok = plain_payload(h.encoding, std::move(payload), h.hash).has_value();
      if (ok) scan.encoded++;
    }
    (ok ? scan.good : scan.bad).push_back(entry);
    offset += sizeof raw + h.length;
  }
  return scan;
}

std::string raw_pack_name(std::vector<PackEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.offset < b.offset; });
  // As PackWriter names what it writes: the header and each entry header.
  Hasher hasher;
  char header[kPackHeaderSize];
  encode_pack_header(header);
  hasher.update(header, sizeof header);
  for (const auto& e : entries) {
    char entry[kPackEntryHeaderSize];
    encode_entry_header(entry, e.hash, e.length, kEncodingRaw);
    hasher.update(entry, sizeof entry);
  }
  return hasher.finish().hex() + ".pack";
}

bool is_pack_name(std::string_view name) {
  constexpr std::string_view ext = ".pack";
  if (name.size() != 64 + ext.size() || name.substr(64) != ext) return false;
  for (char c : name.substr(0, 64))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace mlops
