#include "remote_catalog.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "remote_layout.hpp"

namespace fs = std::filesystem;

namespace mlops {

void throw_failure(const Failure& f) { throw Error(Errc::remote, f.message); }

RemoteCatalog::RemoteCatalog(Remote& remote, fs::path cache_dir) : remote_(remote), dir_(std::move(cache_dir)) {}

void RemoteCatalog::load(const std::string& pack, const std::string& index_bytes, const std::string& origin) {
  for (const auto& e : parse_index(index_bytes, origin)) objects_.try_emplace(e.hash, RemotePacked{pack, e.offset, e.length});
}

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
  for (const auto& [pack, size] : pack_sizes) {
    std::string idx = pack.substr(0, pack.size() - 5) + ".idx";
    if (!indexes.count(idx)) {
      unindexed_.push_back({pack_key(pack), size});
      continue;
    }
    if (sizes_.count(pack)) continue;
    fs::path cached = dir_ / idx;
    std::string bytes;
    std::error_code ec;
    if (fs::exists(cached, ec)) {
      bytes = read_file(cached);
    } else {
      bytes = take(remote_.get_bytes("packs/" + idx));
      write_file_atomic(cached, bytes);
    }
    load(pack, bytes, remote_.properties().display + "/packs/" + idx);
    sizes_[pack] = size;
  }
}

// Packs deleted on the remote (by a gc, here or elsewhere) leave the catalog
// and the local index cache, so nothing is believed present that is gone.
void RemoteCatalog::forget_vanished(const std::unordered_map<std::string, uint64_t>& packs,
                                    const std::unordered_set<std::string>& indexes) {
  std::unordered_set<std::string> gone;
  for (const auto& [pack, size] : sizes_)
    if (!packs.count(pack) || !indexes.count(pack.substr(0, pack.size() - 5) + ".idx")) gone.insert(pack);
  if (!gone.empty()) {
    for (const auto& p : gone) sizes_.erase(p);
    std::erase_if(objects_, [&](const auto& kv) { return gone.count(kv.second.pack) > 0; });
  }
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.ends_with(".idx") && !indexes.count(name)) fs::remove(it->path(), ec);
  }
}

std::vector<std::string> RemoteCatalog::pack_names() const {
  std::vector<std::string> out;
  for (const auto& [pack, size] : sizes_) out.push_back(pack);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<PackEntry> RemoteCatalog::entries_of(const std::string& pack) const {
  std::string idx = pack.substr(0, pack.size() - 5) + ".idx";
  return parse_index(read_file(dir_ / idx), remote_.properties().display + "/packs/" + idx);
}

const RemotePacked* RemoteCatalog::find(const Hash& h) const {
  auto it = objects_.find(h);
  return it == objects_.end() ? nullptr : &it->second;
}

uint64_t RemoteCatalog::pack_size(const std::string& pack) const {
  auto it = sizes_.find(pack);
  return it == sizes_.end() ? 0 : it->second;
}

void RemoteCatalog::add(const std::string& pack, uint64_t size, const std::vector<PackEntry>& entries,
                        const std::string& index_bytes) {
  for (const auto& e : entries) objects_.try_emplace(e.hash, RemotePacked{pack, e.offset, e.length});
  sizes_[pack] = size;
  fs::create_directories(dir_);
  write_file_atomic(dir_ / (pack.substr(0, pack.size() - 5) + ".idx"), index_bytes);
}

}  // namespace mlops
