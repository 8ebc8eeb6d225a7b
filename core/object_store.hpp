#pragma once
// The content-addressed object store under a cache directory (DESIGN §3).
//
//   <cache>/sha256/ab/cdef…     loose objects (size >= pack_threshold), mode 0444
//   <cache>/packs/<hex>.pack    packs of small objects (format: pack_file.hpp)
//   <cache>/packs/index.sqlite  hash -> (pack, offset, length) (pack_index.hpp)
//   <cache>/quarantine/         corrupt objects moved aside by quarantine()
//
// Small objects are appended to one open pack per store, buffered in memory
// and fsynced once per pack, because a file create per object is what makes
// small-file workloads slow. An open pack becomes durable and visible to other
// processes only when it is published: when it reaches `pack_size` bytes, or
// on flush(). Until then its objects are visible to this store only.
// Callers therefore call flush() before reporting success; destroying the
// store without flush() discards the unpublished pack (its temp file is
// removed), which is what an error or Ctrl-C should do.
//
// Crash safety: every file is written to a temp file, fsynced and then
// renamed/linked to its content name, so a crash leaves only temp files
// (removed by remove_temp_files(), on open and by gc()) or a published pack
// whose index rows were not committed (indexed on the next open).
//
// Integrity: every object entering the store is hashed on the way in (by
// put_file/put_bytes, or by the caller of put_small), and every object
// leaving it is checked (object_store_verify.cpp): reads into memory
// (get_bytes) re-hash it, materialize() places a loose object only once it
// is known intact, push and bundles hash what they send. A loose object
// found corrupt is moved to quarantine/ and reported as Error(integrity).
//
// Thread-safety: contains/put_*/get_bytes/materialize/loose_path/flush may be
// called from many threads at once. for_each_object/verify/quarantine/gc/
// rebuild_index/remove_temp_files expect no concurrent writers in this
// process; across processes the caller holds the repository lock for gc.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "confined_dirs.hpp"
#include "digest.hpp"
#include "pack_file.hpp"
#include "progress.hpp"

namespace mlops {

class AtomicFile;
class PackIndex;
struct IndexedPack;
class PackWriter;
class UniqueFd;
class VerifiedLooseMemo;

class ObjectStore {
 public:
  static constexpr uint64_t kDefaultPackThreshold = uint64_t{1} << 20;
  static constexpr uint64_t kDefaultPackSize = uint64_t{64} << 20;

  // Creates the layout if needed, removes stale temp files, and brings the
  // index in line with the packs on disk (rebuilding it if it is unreadable).
  explicit ObjectStore(std::filesystem::path cache_dir, uint64_t pack_threshold = kDefaultPackThreshold,
                       uint64_t pack_size = kDefaultPackSize);
  ~ObjectStore();
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  const std::filesystem::path& cache_dir() const { return cache_; }
  uint64_t pack_threshold() const { return threshold_; }

  // Loose, packed, or pending in this store's open pack.
  bool contains(const Hash& hash) const;

  // Stores bytes whose hash the caller computed (not re-checked): packed when
  // smaller than the threshold, loose otherwise. Returns false when the
  // object was already present (nothing written).
  bool put_small(const Hash& hash, std::string_view data);
  struct SmallObject {
    Hash hash;  // computed by the caller, not re-checked
    std::string_view data;  // smaller than pack_threshold()
  };
  // Packs many small objects in one go: one index lookup batch and one lock
  // for them all, where put_small() pays both per object (200,000 files make
  // that contention the cost of an add). Returns how many were new.
  size_t put_small_many(const std::vector<SmallObject>& objects);
  // Hashes and stores; for tree manifests and other generated objects.
  Hash put_bytes(std::string_view data);

  struct PutResult {
    Hash hash;
    uint64_t size;
    bool stored_new;
  };
  // Stores a file's content, reading it once: small files into memory, large
  // ones hashed while copied into a temp file in the cache (or reflinked and
  // then hashed, where the filesystem can), which is then linked to its name.
  PutResult put_file(const std::filesystem::path& src);

  // The whole object, re-hashed. Error(integrity) on a mismatch,
  // Error(failure) "object sha256:… is not in the cache" when absent.
  std::string get_bytes(const Hash& hash) const;

  // Creates `dst` (which must not exist; its parent must) with the object's
  // content, checked first (see checked_loose), and returns how: for a loose object the first of `link_types`
  // ("reflink", "hardlink", "symlink", "copy") that works; packed objects are
  // always written out ("copy"). `mode` applies to reflink and copy;
  // hardlink and symlink share the cache file's read-only mode, so they are
  // skipped when `mode` asks for an executable bit. Nothing partial is ever
  // visible at `dst`, a path or a name in a directory ConfinedDirs opened.
  std::string materialize(const Hash& hash, const FileAt& dst, const std::vector<std::string>& link_types,
                          mode_t mode) const;

  // Where a loose object lives, if it is loose. Unchecked: hand its bytes
  // on through checked_loose() or read_checked().
  std::optional<std::filesystem::path> loose_path(const Hash& hash) const;

  // --- verified reads of loose objects (object_store_verify.cpp) ---
  // A loose object whose bytes do not hash to its name is moved to
  // quarantine/ and reported as Error(integrity) naming the object and
  // `purpose` (what it was read for: a workspace path, a remote, a bundle);
  // Error(failure) when the object is absent.
  //
  // The loose file of `hash`, hashed now; with `trust_memo`, an earlier
  // check of the unchanged file (verified_loose.hpp) is taken instead.
  std::filesystem::path checked_loose(const Hash& hash, const std::string& purpose, bool trust_memo) const;
  // Streams the object (loose or packed) to `sink` while hashing it and
  // returns its size. A mismatch is found after the last chunk: the caller
  // must discard what it received when this throws.
  uint64_t read_checked(const Hash& hash, const std::function<void(const char*, size_t)>& sink,
                        const std::string& purpose) const;

  // Publishes the open pack (fsync, rename, index rows in one transaction)
  // and waits for packs being published by other threads. Throws if any
  // publication in this store failed: objects reported stored were lost.
  void flush();

  // --- maintenance (object_store_maintenance.cpp) ---
  struct ObjectInfo {
    Hash hash;
    uint64_t size;                  // stored bytes
    bool packed;
    std::filesystem::path location;  // loose file, or the pack file
    uint64_t offset = 0;            // packed: offset of the entry in the pack
  };
  // Every loose object and every indexed packed object (an object stored
  // both ways is reported twice). Published objects only.
  void for_each_object(const std::function<void(const ObjectInfo&)>& fn) const;
  // Re-hashes every object with `jobs` threads; returns the corrupt ones.
  std::vector<ObjectInfo> verify(int jobs, Progress& progress);
  // Moves a corrupt object's bytes to <cache>/quarantine/: a loose file is
  // renamed there; a packed entry is copied there and dropped from the index
  // (its bytes in the pack become garbage for gc). The store then no longer
  // contains the object, so adding the good bytes again stores them anew.
  void quarantine(const ObjectInfo& info);

  struct GcStats {
    uint64_t objects_removed = 0;
    uint64_t bytes_freed = 0;
    uint64_t packs_rewritten = 0;  // repacked because mostly dead
    uint64_t packs_deleted = 0;    // no live object left
  };
  // Removes objects for which `is_live` is false: loose files are deleted;
  // packs with no live object are deleted; packs whose live bytes are below
  // `repack_below_live_fraction` of their size have their live objects
  // copied (and re-verified) into new packs, indexed in one transaction,
  // before the old packs are deleted. With `dry_run`, only counts.
  GcStats gc(const std::function<bool(const Hash&)>& is_live, double repack_below_live_fraction, bool dry_run);

  // Packs on disk whose header is damaged (fsck): their objects may still be
  // intact, and rebuild_index() keeps every one that is.
  struct DamagedPack {
    std::string pack;
    std::string problem;
  };
  std::vector<DamagedPack> damaged_packs() const;

  // Rebuilds the index from scratch by scanning (and re-hashing) every pack.
  // An intact pack is indexed as it is. A damaged one (an entry that fails
  // its hash, cut off, or a damaged header) never loses an intact object:
  // every entry that hashes right is copied into a new pack, and the damaged
  // file is moved to quarantine/.
  struct RepairStats {
    uint64_t objects = 0;                    // indexed
    uint64_t dropped = 0;                    // entries that failed their hash
    std::vector<std::string> damaged_packs;  // rewritten and quarantined
  };
  RepairStats rebuild_index();

  // --- transfer support (object_store_transfer.cpp) ---
  struct PackedObject {
    std::string pack;  // "<hex>.pack"
    uint64_t offset;   // of the entry header
    uint64_t length;   // stored payload bytes
  };
  // Where a published packed object is; nullopt when it is loose or absent.
  std::optional<PackedObject> packed_location(const Hash& hash) const;
  std::vector<PackEntry> pack_entries(const std::string& pack) const;
  std::filesystem::path pack_path(const std::string& pack) const { return packs_dir_ / pack; }
  // Takes in a pack downloaded to `file` (same filesystem as the cache):
  // every entry is re-hashed first; one bad entry rejects the whole file with
  // Error(integrity) naming `origin`, and the file is removed. A pack with
  // compressed entries (from a remote with `compress` on) is not kept as it
  // is: its objects are stored plain, so the cache holds raw entries only.
  // Returns the number of objects it brought.
  uint64_t adopt_pack(const std::filesystem::path& file, const std::string& pack, const std::string& origin);
  // Takes in one object downloaded to `file`, which must hash to `expected`
  // (Error(integrity) naming `origin` otherwise). The file is consumed.
  void adopt_file(const std::filesystem::path& file, const Hash& expected, const std::string& origin);

  // Removes temp files that no live writer holds (writers flock() them) and
  // that are older than `min_age` (covers the instant between creating and
  // locking a temp). `all_dirs` also scans the 256 fan-out directories,
  // which opening the store skips because it is slow on a large cache.
  uint64_t remove_temp_files(std::chrono::seconds min_age = std::chrono::minutes(2), bool all_dirs = false);

 private:
  struct OpenPack;
  struct PackedRef;

  std::filesystem::path loose_file(const Hash& hash) const;
  UniqueFd open_loose(const Hash& hash, const std::filesystem::path& path) const;
  uint64_t hash_loose(const Hash& hash, int fd, const std::filesystem::path& path, const std::string& purpose,
                      const std::function<void(const char*, size_t)>& sink) const;
  // Notes that the loose object was just hashed intact (stored, fetched, or
  // its stat moved by our own hardlink).
  void remember_intact(const Hash& hash) const;
  std::string quarantine_loose(const Hash& hash, const std::filesystem::path& path) const;
  bool publish_loose(AtomicFile& tmp, const Hash& hash);
  bool put_loose_bytes(const Hash& hash, std::string_view data);
  PutResult put_large_file(int fd, const std::filesystem::path& src);
  void publish(const std::shared_ptr<OpenPack>& pack);
  std::optional<PackedRef> find_pending(const Hash& hash) const;
  bool pending_contains_locked(const Hash& hash) const;
  std::shared_ptr<UniqueFd> pack_fd(const std::string& name) const;
  std::string read_packed(const Hash& hash) const;
  void reconcile_index();
  void index_pack(const std::string& name);
  std::vector<std::pair<IndexedPack, std::vector<PackEntry>>> scan_packs() const;
  uint64_t salvage_pack(const std::string& name, const std::vector<PackEntry>& good);
  void for_each_loose(const std::function<void(const Hash&, const std::filesystem::path&, uint64_t)>& fn) const;

  std::filesystem::path cache_;
  std::filesystem::path loose_dir_;
  std::filesystem::path packs_dir_;
  uint64_t threshold_;
  uint64_t pack_size_;
  std::unique_ptr<PackIndex> index_;
  std::unique_ptr<VerifiedLooseMemo> memo_;

  // The open pack and packs being published (still readable through their
  // writers until their index rows are committed).
  mutable std::mutex pack_mu_;
  std::condition_variable published_cv_;
  std::shared_ptr<OpenPack> open_;
  std::vector<std::shared_ptr<OpenPack>> publishing_;
  std::exception_ptr publish_error_;

  // Read fds of published packs, so a read is one pread, not open+pread+close.
  mutable std::mutex fds_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<UniqueFd>> pack_fds_;
};

}  // namespace mlops
