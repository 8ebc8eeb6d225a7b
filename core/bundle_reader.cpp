// BundleReader: one forward pass over a bundle file. The header entries are
// small and read into memory; the payload is streamed from the outer tar
// through zstd into the inner tar reader, hashed, and written out only below
// the destination directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <system_error>
#include <vector>

#include "atomic_file.hpp"
#include "bundle.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "tar_io.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr uint64_t kMaxManifest = uint64_t{64} << 20;
constexpr uint64_t kMaxSmallEntry = 64 << 10;

std::string entry_kind(archive_entry* e) {
  if (archive_entry_hardlink(e)) return "a hard link to " + std::string(archive_entry_hardlink(e));
  switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
      return "a directory";
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(e);
      return "a symbolic link to " + std::string(target ? target : "?");
    }
    case AE_IFCHR:
      return "a character device";
    case AE_IFBLK:
      return "a block device";
    case AE_IFIFO:
      return "a fifo";
    case AE_IFSOCK:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// The inner (payload) archive reads its bytes from the outer entry's data.
struct Nested {
  archive* outer;
  std::vector<char> buf = std::vector<char>(1 << 20);
};

la_ssize_t nested_read(archive* inner, void* client, const void** out) {
  auto* n = static_cast<Nested*>(client);
  la_ssize_t r = archive_read_data(n->outer, n->buf.data(), n->buf.size());
  if (r < 0) {
    archive_set_error(inner, EIO, "%s", archive_message(n->outer).c_str());
    return -1;
  }
  *out = n->buf.data();
  return r;
}

// Removes an unpack destination unless told it is complete.
struct DestGuard {
  const std::optional<fs::path>& dest;
  bool keep = false;
  ~DestGuard() {
    std::error_code ec;
    if (dest && !keep) fs::remove_all(*dest, ec);
  }
};

}  // namespace

struct BundleReader::Impl {
  fs::path file;
  std::string name;
  ArchiveReader outer;
  std::optional<BundleHeader> header;

  Error bad(const std::string& why) const { return Error(Errc::integrity, name + ": " + why); }

  // The next outer entry, which must be the regular file `expected`.
  archive_entry* expect_entry(const std::string& expected) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(outer.get(), &e);
    if (rc == ARCHIVE_EOF) throw bad("ends before its " + expected + " entry");
    if (rc != ARCHIVE_OK) throw bad("is not a valid bundle: " + archive_message(outer.get()));
    const char* path = archive_entry_pathname(e);
    std::string got = path ? path : "?";
    if (got != expected) throw bad("expected entry '" + expected + "', found '" + got + "'");
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
      throw bad("entry '" + expected + "' is " + entry_kind(e));
    return e;
  }

  // The payload entry's data, through zstd, as a tar (or, `raw`, as the
  // plain bytes it decompresses to), reading from `nested`.
  ArchiveReader open_payload(Nested& nested, bool raw) {
    expect_entry("payload.tar.zst");
    ArchiveReader inner(archive_read_new());
    archive* in = inner.get();
    if (!in || archive_read_support_filter_zstd(in) != ARCHIVE_OK ||
        (raw ? archive_read_support_format_raw(in) : archive_read_support_format_tar(in)) != ARCHIVE_OK)
      throw Error(Errc::failure, "cannot read " + name + ": " + archive_message(in));
    if (archive_read_open(in, &nested, nullptr, nested_read, nullptr) != ARCHIVE_OK)
      throw bad("the payload is not a zstd-compressed tar: " + archive_message(in));
    return inner;
  }

  std::string small_entry(const std::string& expected, uint64_t max) {
    archive_entry* e = expect_entry(expected);
    if (archive_entry_size(e) < 0 || static_cast<uint64_t>(archive_entry_size(e)) > max)
      throw bad("entry '" + expected + "' is too large");
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    la_ssize_t n = data.empty() ? 0 : archive_read_data(outer.get(), data.data(), data.size());
    if (n != static_cast<la_ssize_t>(data.size())) throw bad("entry '" + expected + "' is truncated");
    return data;
  }
};

BundleReader::BundleReader(fs::path file) : impl_(std::make_unique<Impl>()) {
  impl_->file = std::move(file);
  impl_->name = "bundle " + impl_->file.string();
  std::error_code ec;
  if (!fs::is_regular_file(impl_->file, ec)) throw Error(Errc::usage, impl_->file.string() + ": no such bundle file");
  open_read(impl_->file);  // an unreadable file is an I/O failure, not a bad bundle
  impl_->outer.reset(archive_read_new());
  archive* a = impl_->outer.get();
  if (!a || archive_read_support_format_tar(a) != ARCHIVE_OK)
    throw Error(Errc::failure, "cannot read " + impl_->name + ": " + archive_message(a));
  if (archive_read_open_filename(a, impl_->file.c_str(), 1 << 16) != ARCHIVE_OK)
    throw impl_->bad("is not a bundle: " + archive_message(a));
}

BundleReader::~BundleReader() = default;

const BundleHeader& BundleReader::read_header() {
  if (impl_->header) return *impl_->header;
  std::string version = impl_->small_entry("version", 256);
  if (version != kBundleVersionText) {
    std::string shown = version.substr(0, version.find('\n'));
    throw impl_->bad("bundle format '" + shown + "' is not supported (this mlops reads '" +
                     std::string(kBundleVersionText.substr(0, kBundleVersionText.size() - 1)) + "')");
  }
  BundleHeader h;
  h.manifest_text = impl_->small_entry("manifest.json", kMaxManifest);
  h.signature_text = impl_->small_entry("manifest.minisig", kMaxSmallEntry);
  h.manifest = parse_manifest(h.manifest_text, impl_->name + " manifest.json");
  h.manifest_digest = hash_bytes(h.manifest_text);
  h.signature = parse_signature(h.signature_text, impl_->name + " manifest.minisig");
  impl_->header = std::move(h);
  return *impl_->header;
}

MinisignPublicKey BundleReader::verify_header(const std::vector<MinisignPublicKey>& trusted) {
  const BundleHeader& h = read_header();
  MinisignPublicKey key = minisign_verify(trusted, h.manifest_text, h.signature, impl_->name);
  if (h.signature.trusted_comment != bundle_trusted_comment(h.manifest, h.manifest_digest))
    throw impl_->bad("the signed comment '" + h.signature.trusted_comment + "' does not match the manifest");
  return key;
}

void BundleReader::read_payload(const std::optional<fs::path>& dest, Progress& progress) {
  const BundleManifest& m = read_header().manifest;
  Nested nested{impl_->outer.get()};
  ArchiveReader inner = impl_->open_payload(nested, false);
  archive* in = inner.get();

  if (dest) {
    std::error_code ec;
    if (fs::exists(*dest, ec)) throw Error(Errc::failure, "cannot unpack into " + dest->string() + ": it exists");
    fs::create_directory(*dest);
  }
  DestGuard guard{dest};
  std::set<std::string> seen;
  std::set<fs::path> dirs;
  std::vector<char> buf(1 << 20);
  Hasher hasher;
  progress.start("verifying " + m.name + " " + m.version, m.total_size(), true);
  for (;;) {
    check_interrupted();
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(in, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) throw impl_->bad("the payload is corrupt: " + archive_message(in));
    const char* raw = archive_entry_pathname(e);
    if (!raw) throw impl_->bad("a payload entry has an unreadable name");
    std::string path = raw;
    check_bundle_path(path, impl_->name + " payload");
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
      throw impl_->bad("payload entry '" + path + "' is " + entry_kind(e) + "; bundles hold regular files only");
    const BundleFileEntry* want = m.find(path);
    if (!want) throw impl_->bad("payload entry '" + path + "' is not listed in the manifest");
    if (!seen.insert(path).second) throw impl_->bad("payload entry '" + path + "' appears twice");
    if (archive_entry_size_is_set(e) && static_cast<uint64_t>(archive_entry_size(e)) != want->size)
      throw impl_->bad("payload entry '" + path + "' has size " + std::to_string(archive_entry_size(e)) +
                       ", the manifest says " + std::to_string(want->size));
    UniqueFd out;
    fs::path target;
    if (dest) {
      target = *dest / path;
      // Every parent is below `dest` (the path has no ".." and the
      // directory tree is ours alone: no link can exist in it).
      for (fs::path p = target.parent_path(); p != *dest; p = p.parent_path()) dirs.insert(p);
      fs::create_directories(target.parent_path());
      out = UniqueFd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!out) throw_errno("cannot create " + target.string());
    }
    uint64_t got = 0;
    for (;;) {
      la_ssize_t n = archive_read_data(in, buf.data(), buf.size());
      if (n < 0) throw impl_->bad("the payload is corrupt at '" + path + "': " + archive_message(in));
      if (n == 0) break;
      got += static_cast<uint64_t>(n);
      if (got > want->size) throw impl_->bad("payload entry '" + path + "' is larger than the manifest says");
      hasher.update(buf.data(), static_cast<size_t>(n));
      if (out) write_all(out.get(), buf.data(), static_cast<size_t>(n), target);
      progress.advance(static_cast<uint64_t>(n));
    }
    Hash h = hasher.finish();
    if (got != want->size)
      throw impl_->bad("payload entry '" + path + "' has " + std::to_string(got) + " bytes, the manifest says " +
                       std::to_string(want->size));
    if (h != want->sha256)
      throw impl_->bad("payload file '" + path + "' does not match the manifest: its hash is " + h.str() +
                       ", the manifest says " + want->sha256.str());
    if (out) {
      if (::fchmod(out.get(), want->mode) != 0) throw_errno("cannot set the mode of " + target.string());
      if (::fsync(out.get()) != 0) throw_errno("cannot fsync " + target.string());
    }
  }
  progress.finish();
  for (const auto& f : m.files)
    if (!seen.count(f.path)) throw impl_->bad("file '" + f.path + "' of the manifest is missing from the payload");
  archive_read_data_skip(impl_->outer.get());
  archive_entry* e = nullptr;
  int rc = archive_read_next_header(impl_->outer.get(), &e);
  if (rc == ARCHIVE_OK) {
    const char* p = archive_entry_pathname(e);
    throw impl_->bad("unexpected entry '" + std::string(p ? p : "?") + "' after the payload");
  }
  if (rc != ARCHIVE_EOF) throw impl_->bad("is corrupt after the payload: " + archive_message(impl_->outer.get()));
  if (dest) {
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) fsync_dir(*it);
    fsync_dir(*dest);
  }
  guard.keep = true;
}

Hash BundleReader::write_payload_tar(const fs::path& out) {
  read_header();
  Nested nested{impl_->outer.get()};
  ArchiveReader inner = impl_->open_payload(nested, true);
  archive* in = inner.get();
  archive_entry* e = nullptr;
  if (archive_read_next_header(in, &e) != ARCHIVE_OK)
    throw impl_->bad("the payload is not zstd-compressed: " + archive_message(in));
  UniqueFd fd(::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) throw_errno("cannot create " + out.string());
  Hasher hasher;
  std::vector<char> buf(1 << 20);
  for (;;) {
    check_interrupted();
    la_ssize_t n = archive_read_data(in, buf.data(), buf.size());
    if (n < 0) throw impl_->bad("the payload is corrupt: " + archive_message(in));
    if (n == 0) break;
    hasher.update(buf.data(), static_cast<size_t>(n));
    write_all(fd.get(), buf.data(), static_cast<size_t>(n), out);
  }
  return hasher.finish();
}

}  // namespace mlops
