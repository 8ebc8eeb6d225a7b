#include "bundle_fixtures.hpp"

#include <fstream>

#include "core/atomic_file.hpp"
#include "core/tar_io.hpp"

namespace fs = std::filesystem;

namespace mlops::test {
namespace {

std::string tar_bytes(const std::vector<CraftedEntry>& entries, bool zstd) {
  std::string out;
  ArchiveWriter a(archive_write_new());
  if (zstd) archive_write_add_filter_zstd(a.get());
  archive_write_set_format_pax_restricted(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no zero padding after the zstd frame
  archive_write_open(
      a.get(), &out, nullptr,
      [](archive*, void* client, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& e : entries) {
    std::unique_ptr<archive_entry, ArchiveEntryFree> h(archive_entry_new());
    archive_entry_set_pathname(h.get(), e.path.c_str());
    archive_entry_set_filetype(h.get(), e.type);
    archive_entry_set_perm(h.get(), 0644);
    if (e.hardlink)
      archive_entry_set_hardlink(h.get(), e.link.c_str());
    else if (!e.link.empty())
      archive_entry_set_symlink(h.get(), e.link.c_str());
    archive_entry_set_size(h.get(), e.type == 0100000 && !e.hardlink ? static_cast<la_int64_t>(e.data.size()) : 0);
    archive_write_header(a.get(), h.get());
    if (e.type == 0100000 && !e.hardlink && !e.data.empty()) archive_write_data(a.get(), e.data.data(), e.data.size());
  }
  archive_write_close(a.get());
  return out;
}

}  // namespace

void write_tree(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [path, data] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << data;
  }
}

CreatedBundle make_bundle(const fs::path& src, const std::string& name, const std::string& version,
                          const SigningKey& key, const fs::path& out_dir, std::optional<HealthCheck> health) {
  BundleOptions o;
  o.name = name;
  o.version = version;
  o.output_dir = out_dir;
  o.health = std::move(health);
  auto source = path_source(src);
  NullProgress p;
  return create_bundle(*source, o, key, p);
}

void write_crafted_bundle(const fs::path& file, const SigningKey& key,
                          const std::vector<std::pair<std::string, std::string>>& listed,
                          const std::vector<CraftedEntry>& entries, const std::string& trusted_comment) {
  BundleManifest m;
  m.name = "crafted";
  m.version = "1";
  m.created = "2024-01-01T00:00:00Z";
  for (const auto& [path, data] : listed) m.files.push_back({path, hash_bytes(data), data.size(), 0644});
  std::string manifest = serialize_manifest(m);
  Hash digest = hash_bytes(manifest);
  std::string comment = trusted_comment.empty() ? bundle_trusted_comment(m, digest) : trusted_comment;
  std::string sig = format_signature(minisign_sign(key, manifest, comment, "test"));
  std::vector<CraftedEntry> outer{{"version", std::string(kBundleVersionText)},
                                  {"manifest.json", manifest},
                                  {"manifest.minisig", sig},
                                  {"payload.tar.zst", tar_bytes(entries, true)}};
  write_file_atomic(file, tar_bytes(outer, false));
}

void flip_byte(const fs::path& file, long offset) {
  std::string data = read_file(file);
  size_t at = offset >= 0 ? static_cast<size_t>(offset) : data.size() - static_cast<size_t>(-offset);
  data[at] = static_cast<char>(data[at] ^ 0x01);
  write_file_atomic(file, data);
}

}  // namespace mlops::test
