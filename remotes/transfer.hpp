#pragma once
// Moving objects between the local cache and a remote (push, fetch, pull).
//
// Push: every object reachable from the roots that the remote lacks. Small
// objects travel in packs: a local pack that is mostly wanted is uploaded as
// it is, the rest are gathered into new packs, so 20,000 small files are a
// handful of uploads. Each pack's index goes up after its pack. Large objects
// go up whole, streamed. With compression on (remote.<name>.compress), small
// objects always go into new packs, zstd-encoded where that shrinks them, and
// large objects go up compressed when they shrink (remote_codec.hpp).
//
// Fetch: walks the roots level by level (a directory's manifest must arrive
// before its entries are known), fetching per level: whole packs when most of
// a pack is wanted, byte ranges of it otherwise, and large objects streamed
// to a temp file. Compressed objects are decoded whatever this client's own
// setting. Every object is re-hashed before it enters the cache; a
// mismatch is Error(integrity) naming the remote and the object, and nothing
// of it is kept.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "core/tree_diff.hpp"
#include "remote.hpp"
#include "remote_catalog.hpp"

namespace mlops {

class ObjectStore;

struct TransferStats {
  uint64_t objects = 0;        // objects moved
  uint64_t bytes = 0;          // bytes moved (packs and large objects, as stored)
  uint64_t packs = 0;          // packs moved whole
  uint64_t ranges = 0;         // byte-range requests (fetch)
  uint64_t up_to_date = 0;     // objects already on the other side
  uint64_t compressed = 0;     // objects pushed zstd-compressed
  uint64_t resumed_bytes = 0;  // not sent again: parts of interrupted uploads reused
  std::vector<Hash> missing;   // needed but absent on the source side
};

class Transfer {
 public:
  // `compress_level`: zstd level for pushed objects, 0 for none.
  Transfer(ObjectStore& store, Remote& remote, RemoteCatalog& catalog, std::filesystem::path tmp_dir, int jobs,
           Progress* progress, int compress_level = 0);
  TransferStats push(const std::vector<TreeRef>& roots);
  TransferStats fetch(const std::vector<TreeRef>& roots);
  // What `status --remote` reports: objects the remote lacks, objects the
  // cache lacks (that the remote has or not).
  struct Comparison {
    uint64_t objects = 0;
    std::vector<Hash> not_on_remote;
    std::vector<Hash> not_in_cache;
  };
  Comparison compare(const std::vector<TreeRef>& roots);

 private:
  std::vector<Hash> reachable_local(const std::vector<TreeRef>& roots, std::vector<Hash>& missing);
  std::vector<bool> remote_has_loose(const std::vector<Hash>& hashes);
  void check_indexes_against_packs();
  void fetch_objects(std::vector<const RemotePacked*> packed, const std::vector<Hash>& loose, TransferStats& stats);

  ObjectStore& store_;
  Remote& remote_;
  RemoteCatalog& catalog_;
  std::filesystem::path tmp_;
  int jobs_;
  Progress* progress_;
  int compress_level_;
};

}  // namespace mlops
