#pragma once
// `gc --remote`: removes what no kept version uses from a remote, restic's
// prune for our layout (remote_layout.hpp).
//
//   loose objects   a dead `sha256/ab/…` is deleted
//   packs           a pack with nothing live (or whose live objects another
//                   kept copy holds) is deleted; a pack whose live bytes are
//                   below `repack_below_live_fraction` of its size is
//                   rewritten: its live objects are downloaded, re-hashed,
//                   written into new content-named packs, uploaded (pack,
//                   then index); a pack without an index is deleted
//   other keys      run-refs/, runs/ (run cache), locks/ are not touched
//
// Crash safety: every new pack and its index are complete on the remote
// before anything is deleted, and an old pack loses its index before its
// pack, so a gc killed at any point leaves every live object reachable
// through some index; at worst duplicates and index-less packs remain, which
// the next gc removes. The caller holds an exclusive RemoteLock
// (remote_lock.hpp) from before it computes the live set until gc returns,
// so no push adds objects that the live set does not know about.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/digest.hpp"
#include "core/progress.hpp"
#include "remote.hpp"
#include "remote_catalog.hpp"

namespace mlops {

struct RemoteGcOptions {
  double repack_below_live_fraction = 0.5;
  bool dry_run = false;  // count only: nothing is read beyond indexes, nothing written
  int jobs = 1;
  std::filesystem::path tmp_dir;  // new packs are built here; emptied first and removed after
  Progress* progress = nullptr;
};

struct RemoteGcStats {
  uint64_t objects_removed = 0;  // dead loose objects and dead pack entries
  uint64_t bytes_freed = 0;      // net: removed bytes minus the new packs'
  uint64_t loose_removed = 0;
  uint64_t packs_deleted = 0;    // nothing live left
  uint64_t packs_rewritten = 0;  // mostly dead: live objects moved to new packs
  uint64_t unindexed_packs = 0;  // packs without an index, deleted
  uint64_t packs_written = 0;    // new packs uploaded
  uint64_t objects_moved = 0;    // live objects copied into new packs
};

RemoteGcStats gc_remote(Remote& remote, RemoteCatalog& catalog, const std::function<bool(const Hash&)>& is_live,
                        const RemoteGcOptions& options);

// One object's bytes read from the remote (a range of its pack, or its loose
// key) and re-hashed: Error(integrity) naming the remote on a mismatch;
// nullopt when the remote does not hold it. The catalog must be refreshed.
std::optional<std::string> read_remote_object(Remote& remote, const RemoteCatalog& catalog, const Hash& hash);

}  // namespace mlops
