#include "remote_catalog.hpp"

#include <algorithm>
#include <limits>
#include <unordered_set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "remote_layout.hpp"

namespace fs = std::filesystem;

namespace mlops {

static_assert(sizeof(RemotePacked) == 56, "remote_catalog.hpp states 56 bytes an object");

namespace {

bool by_hash_then_pack(const RemotePacked& a, const RemotePacked& b) {
  return a.hash != b.hash ? a.hash < b.hash : a.pack < b.pack;
}

// The local copy of a pack's index is named like the remote one (index_key).
std::string index_name(const std::string& pack) { return fs::path(index_key(pack)).filename().string(); }

}  // namespace

void throw_failure(const Failure& f) { throw Error(Errc::remote, f.message); }

RemoteCatalog::RemoteCatalog(Remote& remote, fs::path cache_dir) : remote_(remote), dir_(std::move(cache_dir)) {}

// Registers the pack and appends its entries unsorted; callers restore the
// order. A pack already known keeps its entries (its name is its content).
void RemoteCatalog::append(const std::string& pack, uint64_t size, const std::vector<PackEntry>& entries) {
  auto [it, added] = ids_.try_emplace(pack, static_cast<uint32_t>(packs_.size()));
  if (!added) return;
  packs_.push_back({pack, size});
  for (const auto& e : entries) objects_.push_back({e.hash, it->second, e.offset, e.length});
}

void RemoteCatalog::sort_objects() { std::sort(objects_.begin(), objects_.end(), by_hash_then_pack); }

void RemoteCatalog::refresh() {
  auto listed = take(remote_.list("packs/"));
  std::unordered_map<std::string, uint64_t> pack_sizes;
  std::unordered_set<std::string> indexes;
  for (const auto& e : listed) {
    std::string name = fs::path(e.key).filename().string();
    if (name.ends_with(".pack")) pack_sizes[name] = e.size;
    else if (name.ends_with(".idx")) indexes.insert(name);
  }
  forget_vanished(pack_sizes, indexes);
  fs::create_directories(dir_);
  unindexed_.clear();
  // First every new index into the local cache, so the entries can be
  // reserved at once: growing the vector index by index would copy it each
  // time, or leave up to half of it unused.
  std::vector<std::pair<std::string, uint64_t>> fresh;
  uint64_t capacity = objects_.size();
  for (const auto& [pack, size] : pack_sizes) {
    if (!indexes.count(index_name(pack))) {
      unindexed_.push_back({pack_key(pack), size});
    } else if (!ids_.count(pack)) {
      capacity += index_capacity(cache_index(pack, size));
      fresh.push_back({pack, size});
    }
  }
  std::sort(fresh.begin(), fresh.end());  // ids in name order, the same on every run
  objects_.reserve(capacity);
  try {
    for (const auto& [pack, size] : fresh) append(pack, size, entries_of(pack));
  } catch (...) {
    sort_objects();  // what was loaded before the failure stays findable
    throw;
  }
  if (!fresh.empty()) sort_objects();
}

// Returns the size of the cached copy of `pack`'s index, fetching it first if
// needed. A fetched index is checked before it is kept, so a damaged one is
// an integrity error now and again on the next run, never a cached belief.
uint64_t RemoteCatalog::cache_index(const std::string& pack, uint64_t pack_size) {
  fs::path cached = dir_ / index_name(pack);
  std::error_code ec;
  uint64_t size = fs::file_size(cached, ec);
  if (!ec) return size;
  std::string bytes = take(remote_.get_bytes(index_key(pack)));
  std::string origin = remote_.properties().display + "/" + index_key(pack);
  check_index_layout(parse_index(bytes, origin), pack_size, origin);
  write_file_atomic(cached, bytes);
  return bytes.size();
}

// Packs deleted on the remote (by a gc, here or elsewhere) leave the catalog
// and the local index cache, so nothing is believed present that is gone.
// The remaining packs are renumbered in their order, which keeps the entries sorted.
void RemoteCatalog::forget_vanished(const std::unordered_map<std::string, uint64_t>& packs,
                                    const std::unordered_set<std::string>& indexes) {
  constexpr uint32_t kGone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> renumbered(packs_.size());
  uint32_t kept = 0;
  for (uint32_t id = 0; id < packs_.size(); ++id) {
    const std::string& name = packs_[id].name;
    bool gone = !packs.count(name) || !indexes.count(index_name(name));
    renumbered[id] = gone ? kGone : kept++;
  }
  if (kept != packs_.size()) {
    std::erase_if(objects_, [&](const RemotePacked& o) { return renumbered[o.pack] == kGone; });
    for (auto& o : objects_) o.pack = renumbered[o.pack];
    std::vector<Pack> left;
    for (uint32_t id = 0; id < packs_.size(); ++id)
      if (renumbered[id] != kGone) left.push_back(std::move(packs_[id]));
    packs_ = std::move(left);
    ids_.clear();
    for (uint32_t id = 0; id < packs_.size(); ++id) ids_[packs_[id].name] = id;
  }
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.ends_with(".idx") && !indexes.count(name)) fs::remove(it->path(), ec);
  }
}

std::vector<std::string> RemoteCatalog::pack_names() const {
  std::vector<std::string> out;
  for (const auto& p : packs_) out.push_back(p.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<PackEntry> RemoteCatalog::entries_of(const std::string& pack) const {
  return parse_index(read_file(dir_ / index_name(pack)), remote_.properties().display + "/" + index_key(pack));
}

const RemotePacked* RemoteCatalog::find(const Hash& h) const {
  auto it = std::lower_bound(objects_.begin(), objects_.end(), h,
                             [](const RemotePacked& o, const Hash& key) { return o.hash < key; });
  return it == objects_.end() || it->hash != h ? nullptr : &*it;
}

uint64_t RemoteCatalog::pack_size(const std::string& pack) const {
  auto it = ids_.find(pack);
  return it == ids_.end() ? 0 : packs_[it->second].size;
}

// One pack among many: its entries are sorted on their own and merged in,
// which is linear where sorting everything again would not be.
void RemoteCatalog::add(const std::string& pack, uint64_t size, const std::vector<PackEntry>& entries,
                        const std::string& index_bytes) {
  size_t before = objects_.size();
  objects_.reserve(before + entries.size());
  append(pack, size, entries);
  auto mid = objects_.begin() + static_cast<std::ptrdiff_t>(before);
  std::sort(mid, objects_.end(), by_hash_then_pack);
  std::inplace_merge(objects_.begin(), mid, objects_.end(), by_hash_then_pack);
  fs::create_directories(dir_);
  write_file_atomic(dir_ / index_name(pack), index_bytes);
}

}  // namespace mlops
