#pragma once
// What a remote holds, known cheaply: the packed objects come from the packs'
// index files, which are immutable and so cached locally under
// .mlops/tmp/remotes/<name>/ and fetched only when new ones appear. One
// listing of packs/ plus the new indexes answers "what is there" for every
// small object; large objects are asked about in batches. A refresh also
// drops the cached indexes of packs the remote no longer has (gc --remote).
//
// A remote can hold hundreds of thousands of small objects, so the entries
// are one flat vector sorted by hash (56 bytes each, found by binary search)
// naming their pack by a 32-bit id, not a node per object with its own copy
// of the pack's name.
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/digest.hpp"
#include "core/pack_file.hpp"
#include "remote.hpp"

namespace mlops {

struct RemotePacked {
  Hash hash;
  uint32_t pack;    // id: RemoteCatalog::pack_name(pack)
  uint64_t offset;  // of the entry header
  uint64_t length;  // stored payload bytes
};

class RemoteCatalog {
 public:
  RemoteCatalog(Remote& remote, std::filesystem::path cache_dir);
  // Lists packs/ and reads the indexes not cached yet. Throws Error(remote)
  // naming the remote on failure, Error(integrity) for a corrupt index.
  void refresh();
  // Where the remote holds `h` in a pack, or nullptr. The pointer and the
  // pack id stay valid until the next refresh() or add().
  const RemotePacked* find(const Hash& h) const;
  const std::string& pack_name(uint32_t pack) const { return packs_[pack].name; }
  uint64_t pack_size(uint32_t pack) const { return packs_[pack].size; }
  uint64_t pack_size(const std::string& pack) const;
  // Records a pack this process uploaded (and caches its index).
  void add(const std::string& pack, uint64_t size, const std::vector<PackEntry>& entries, const std::string& index_bytes);
  size_t packs() const { return packs_.size(); }
  // The indexed packs, by name; their entries, read from the cached index.
  std::vector<std::string> pack_names() const;
  std::vector<PackEntry> entries_of(const std::string& pack) const;
  // Packs listed without an index: uploads in progress, or left by a killed
  // push or gc. Their objects are not in the catalog.
  const std::vector<RemoteEntry>& unindexed() const { return unindexed_; }

 private:
  struct Pack {
    std::string name;  // "<hex>.pack"
    uint64_t size;
  };
  void append(const std::string& pack, uint64_t size, const std::vector<PackEntry>& entries);
  void sort_objects();
  uint64_t cache_index(const std::string& pack, uint64_t pack_size);
  void forget_vanished(const std::unordered_map<std::string, uint64_t>& packs,
                       const std::unordered_set<std::string>& indexes);
  Remote& remote_;
  std::filesystem::path dir_;
  std::vector<Pack> packs_;                         // by id
  std::unordered_map<std::string, uint32_t> ids_;  // name -> id
  // Sorted by (hash, pack); an object in several packs has an entry for
  // each, so forgetting one pack leaves the others' copies findable.
  std::vector<RemotePacked> objects_;
  std::vector<RemoteEntry> unindexed_;
};

// Throws the failure as an Error: Errc::remote for every kind (exit 4).
[[noreturn]] void throw_failure(const Failure& f);
template <class T>
T take(Result<T> r) {
  if (!r.ok()) throw_failure(r.failure());
  return std::move(r.value());
}
inline void check(const Status& s) {
  if (!s.ok()) throw_failure(s.failure());
}

}  // namespace mlops
