#pragma once
// Scanning a tracked path in the workspace: stat every entry once, hash only
// what the state index cannot vouch for, and (for add/commit) store what the
// cache lacks, in the same read. Directories come out as tree manifests
// (tree.hpp), built bottom-up.
//
// This is the hot path of add, commit and status; its cost on an unchanged
// tree is one lstat per entry plus in-memory lookups.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "digest.hpp"
#include "progress.hpp"
#include "state_index.hpp"
#include "tree.hpp"

namespace mlops {

class ObjectStore;

struct ScanCounters {
  std::atomic<uint64_t> files_stated{0};
  std::atomic<uint64_t> files_hashed{0};
  std::atomic<uint64_t> bytes_read{0};
};

struct ScanResult {
  EntryKind kind;  // file, exec, link or dir
  Hash hash;
  uint64_t size = 0;
  uint64_t files = 0;
  // Every directory's manifest, by hash (the root's included), so that a
  // caller can compare with a recorded tree without storing anything. Empty
  // unless ScanOptions::keep_trees.
  std::unordered_map<Hash, Tree, HashHasher> trees;
  // Leftover temp files of an interrupted checkout (workspace_temp.hpp),
  // repo-relative: skipped, never hashed, for checkout to remove.
  std::vector<std::string> temps;
};

struct ScanOptions {
  ObjectStore* store = nullptr;  // null: hash only (status)
  int jobs = 1;
  Progress* progress = nullptr;
  // add/commit store the manifests and need no copy: on 200,000 files the
  // copy is tens of MB of peak memory.
  bool keep_trees = true;
};

class WorkspaceScanner {
 public:
  WorkspaceScanner(std::filesystem::path repo_root, StateIndex& state, ScanOptions options);
  // `rel` is relative to the repository root. Throws Error naming the path
  // when it is missing or holds something that cannot be tracked.
  ScanResult scan(const std::string& rel);
  const ScanCounters& counters() const { return counters_; }

 private:
  std::filesystem::path root_;
  StateIndex& state_;
  ScanOptions opt_;
  ScanCounters counters_;
};

}  // namespace mlops
