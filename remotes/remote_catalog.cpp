#include "remote_catalog.hpp"

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
  std::vector<std::string> indexes;
  for (const auto& e : listed) {
    std::string name = fs::path(e.key).filename().string();
    if (name.ends_with(".pack")) pack_sizes[name] = e.size;
    else if (name.ends_with(".idx")) indexes.push_back(name);
  }
  fs::create_directories(dir_);
  for (const auto& idx : indexes) {
    std::string pack = idx.substr(0, idx.size() - 4) + ".pack";
    auto size = pack_sizes.find(pack);
    if (size == pack_sizes.end() || sizes_.count(pack)) continue;  // no pack (yet), or known
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
    sizes_[pack] = size->second;
  }
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
