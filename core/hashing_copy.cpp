#include "hashing_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

#include "error.hpp"
#include "interrupt.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// 1 MiB chunks stay in the CPU cache between the read that fills one and the
// hash that follows (with 8 MiB chunks hashing ran 40% slower); four slots
// let the writer fall a few chunks behind without stalling the reader.
constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kSlots = 4;
// O_DIRECT wants buffer, file offset and length aligned to the logical block
// size; 4 KiB is a multiple of every block size we meet.
constexpr size_t kDirectAlign = 4096;
// Without O_DIRECT, writeback is started every 8 MiB so that the final fsync
// finds little left to do.
constexpr uint64_t kWritebackWindow = uint64_t{8} << 20;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using AlignedChunk = std::unique_ptr<char, FreeDeleter>;

AlignedChunk aligned_chunk() {
  void* p = std::aligned_alloc(kDirectAlign, kChunk);
  if (!p) throw std::bad_alloc();
  return AlignedChunk(static_cast<char*>(p));
}

bool set_direct(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  return ::fcntl(fd, F_SETFL, on ? (flags | O_DIRECT) : (flags & ~O_DIRECT)) == 0;
}

// Writes the destination sequentially, with O_DIRECT while the filesystem
// and the alignment allow it and buffered (with early writeback) after.
class DestinationWriter {
 public:
  DestinationWriter(int fd, const fs::path& name) : fd_(fd), name_(name), direct_(set_direct(fd, true)) {}

  void write(const char* data, size_t n) {
    // Only the last chunk can be short, and only it can leave the offset
    // unaligned: everything before it is whole chunks.
    if (direct_ && n % kDirectAlign != 0) buffered();
    while (direct_ && n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EINVAL) {
        buffered();  // accepted at fcntl() time, refused at write time (some filesystems do)
        break;
      }
      if (w < 0) throw_errno("cannot write " + name_.string());
      data += w;
      n -= static_cast<size_t>(w);
      written_ += static_cast<uint64_t>(w);
      if (static_cast<size_t>(w) % kDirectAlign != 0) buffered();
    }
    if (n == 0) return;
    write_all(fd_, data, n, name_);
    written_ += n;
    if (written_ - synced_ >= kWritebackWindow) {
      // A hint to start writeback, hence unchecked.
      ::sync_file_range(fd_, static_cast<off_t>(synced_), static_cast<off_t>(written_ - synced_),
                        SYNC_FILE_RANGE_WRITE);
      synced_ = written_;
    }
  }

 private:
  void buffered() {
    direct_ = false;
    if (!set_direct(fd_, false)) throw_errno("cannot switch " + name_.string() + " to buffered writes");
    synced_ = written_;
  }

  int fd_;
  const fs::path& name_;
  bool direct_;
  uint64_t written_ = 0, synced_ = 0;
};

// The hand-over from the reading thread to the two consumers, the hasher and
// the writer, which each run on a thread of their own: a ring of chunks,
// `filled` counting those read and `consumed[c]` those consumer c is done with.
// A chunk is reused once both consumers have passed it.
struct ChunkRing {
  static constexpr size_t kConsumers = 2;
  std::array<AlignedChunk, kSlots> chunks;
  std::array<size_t, kSlots> lengths{};
  std::mutex mu;
  std::condition_variable cv;
  uint64_t filled = 0;
  std::array<uint64_t, kConsumers> consumed{};
  bool done = false;     // the reader has read everything it will
  bool stopped = false;  // the reader gave up: consume nothing more
  std::exception_ptr error;

  ChunkRing() {
    for (auto& c : chunks) c = aligned_chunk();
  }
  uint64_t reusable() const { return std::min(consumed[0], consumed[1]); }
};

template <class Fn>
void consume_chunks(ChunkRing& ring, size_t consumer, Fn&& fn) {
  for (uint64_t i = 0;; ++i) {
    size_t n = 0;
    {
      std::unique_lock lock(ring.mu);
      ring.cv.wait(lock, [&] { return ring.filled > i || ring.done || ring.stopped || ring.error; });
      if (ring.stopped || ring.error || ring.filled <= i) return;
      n = ring.lengths[i % kSlots];
    }
    try {
      fn(ring.chunks[i % kSlots].get(), n);
    } catch (...) {
      std::lock_guard lock(ring.mu);
      ring.error = std::current_exception();
      ring.cv.notify_all();
      return;
    }
    std::lock_guard lock(ring.mu);
    ring.consumed[consumer] = i + 1;
    ring.cv.notify_all();
  }
}

// Runs the consumers and joins them on every way out of the reader; an early
// way out (read error, Ctrl-C) tells them to stop first.
class Consumers {
 public:
  Consumers(ChunkRing& ring, Hasher& hasher, DestinationWriter& out)
      : ring_(ring),
        hashing_([this, &hasher] { consume_chunks(ring_, 0, [&](const char* d, size_t n) { hasher.update(d, n); }); }),
        writing_([this, &out] { consume_chunks(ring_, 1, [&](const char* d, size_t n) { out.write(d, n); }); }) {}
  ~Consumers() {
    if (!hashing_.joinable()) return;
    {
      std::lock_guard lock(ring_.mu);
      ring_.stopped = true;
    }
    ring_.cv.notify_all();
    hashing_.join();
    writing_.join();
  }
  Consumers(const Consumers&) = delete;
  Consumers& operator=(const Consumers&) = delete;

  void finish() {
    {
      std::lock_guard lock(ring_.mu);
      ring_.done = true;
    }
    ring_.cv.notify_all();
    hashing_.join();
    writing_.join();
    if (ring_.error) std::rethrow_exception(ring_.error);
  }

 private:
  ChunkRing& ring_;
  std::thread hashing_, writing_;
};

}  // namespace

HashedCopy copy_and_hash(int from, const fs::path& from_name, int to, const fs::path& to_name) {
  ChunkRing ring;
  DestinationWriter out(to, to_name);
  Hasher hasher;
  HashedCopy result;
  Consumers consumers(ring, hasher, out);
  for (uint64_t i = 0;; ++i) {
    check_interrupted();
    {
      std::unique_lock lock(ring.mu);
      ring.cv.wait(lock, [&] { return i - ring.reusable() < kSlots || ring.error; });
      if (ring.error) break;
    }
    char* chunk = ring.chunks[i % kSlots].get();
    size_t n = read_full(from, chunk, kChunk, from_name);
    if (n == 0) break;
    result.size += n;
    std::lock_guard lock(ring.mu);
    ring.lengths[i % kSlots] = n;
    ring.filled = i + 1;
    ring.cv.notify_all();
  }
  consumers.finish();
  result.hash = hasher.finish();
  return result;
}

}  // namespace mlops
