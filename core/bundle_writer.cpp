// create_bundle(): source files -> payload.tar.zst (an unnamed temp file) ->
// manifest with the hashes taken on the way -> signature -> bundle file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>

#include "atomic_file.hpp"
#include "bundle.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "tar_io.hpp"
#include "unique_fd.hpp"
#include "utc_time.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// SOURCE_DATE_EPOCH, the reproducible-builds convention, or now.
time_t creation_time() {
  if (const char* s = std::getenv("SOURCE_DATE_EPOCH"); s && *s) {
    char* end = nullptr;
    long long v = std::strtoll(s, &end, 10);
    if (*end == '\0' && v >= 0) return static_cast<time_t>(v);
  }
  return ::time(nullptr);
}

// A temp file with no name: nothing to clean up, whatever happens.
UniqueFd unnamed_temp(const fs::path& dir) {
  std::string pattern = (dir / ".mlops-bundle.XXXXXX").string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) throw_errno("cannot create a temporary file in " + dir.string());
  ::unlink(pattern.c_str());
  return UniqueFd(fd);
}

// Writes the payload tar to `fd`, filling `files` with what was read.
void write_payload(BundleSource& source, const std::vector<SourceFile>& list, int fd, time_t mtime,
                   std::vector<BundleFileEntry>& files, Progress& progress) {
  const std::string what = "the bundle payload";
  ArchiveWriter a(archive_write_new());
  if (!a || archive_write_add_filter_zstd(a.get()) != ARCHIVE_OK ||
      archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_open_fd(a.get(), fd) != ARCHIVE_OK)
    throw Error(Errc::failure, "cannot start " + what + ": " + archive_message(a.get()));
  Hasher hasher;
  for (const auto& f : list) {
    check_interrupted();
    check_bundle_path(f.path, "bundle source");
    mode_t mode = f.executable ? 0755 : 0644;
    tar_write_header(a.get(), f.path, f.size, mode, mtime, what);
    source.read(f, [&](const char* data, size_t n) {
      hasher.update(data, n);
      tar_write_data(a.get(), data, n, what);
      progress.advance(n);
    });
    files.push_back({f.path, hasher.finish(), f.size, mode});
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    throw Error(Errc::failure, "cannot finish " + what + ": " + archive_message(a.get()));
}

struct OuterSink {
  AtomicFile* file;
  uint64_t bytes = 0;
  std::exception_ptr error;
};

la_ssize_t outer_write(archive*, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<OuterSink*>(client);
  try {
    sink->file->write(buffer, length);
    sink->bytes += length;
    return static_cast<la_ssize_t>(length);
  } catch (...) {
    sink->error = std::current_exception();
    return -1;
  }
}

}  // namespace

CreatedBundle create_bundle(BundleSource& source, const BundleOptions& o, const SigningKey& key, Progress& progress) {
  BundleManifest m;
  m.name = o.name.empty() ? source.default_name() : o.name;
  check_bundle_name(m.name, "bundle name");
  if (!o.version.empty()) check_bundle_version(o.version, "bundle version");
  time_t now = creation_time();
  m.created = utc_timestamp(now);
  m.git_commit = o.git_commit;
  m.run = o.run;
  m.params = o.params;
  m.metrics = o.metrics;
  m.requirements = o.requirements;
  m.health = o.health;

  std::vector<SourceFile> list = source.files();
  if (list.empty()) throw Error(Errc::usage, "nothing to bundle: " + source.default_name() + " holds no files");
  uint64_t total = 0;
  for (const auto& f : list) total += f.size;
  fs::path out_dir = o.output.empty() ? o.output_dir : o.output.parent_path();
  if (out_dir.empty()) out_dir = ".";
  UniqueFd payload = unnamed_temp(out_dir);
  progress.start("bundling " + m.name, total, true);
  write_payload(source, list, payload.get(), now, m.files, progress);
  progress.finish();
  m.version = o.version.empty() ? bundle_content_digest(m.files).hex().substr(0, 12) : o.version;

  std::string manifest_text = serialize_manifest(m);
  Hash digest = hash_bytes(manifest_text);
  MinisignSignature sig = minisign_sign(key, manifest_text, bundle_trusted_comment(m, digest),
                                        "signature from mlops key " + key_id_hex(key.public_key().key_id));
  std::string sig_text = format_signature(sig);

  CreatedBundle result;
  result.file = o.output.empty() ? out_dir / (m.name + "-" + m.version + std::string(kBundleExtension)) : o.output;
  struct stat st {};
  if (::fstat(payload.get(), &st) != 0) throw_errno("cannot stat the bundle payload");
  const std::string what = result.file.string();
  AtomicFile file(result.file);
  OuterSink sink{&file, 0, nullptr};
  ArchiveWriter a(archive_write_new());
  if (!a || archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_open(a.get(), &sink, nullptr, outer_write, nullptr) != ARCHIVE_OK)
    throw Error(Errc::failure, "cannot start " + what + ": " + archive_message(a.get()));
  auto entry = [&](const char* name, std::string_view data) {
    tar_write_header(a.get(), name, data.size(), 0644, now, what);
    tar_write_data(a.get(), data.data(), data.size(), what);
  };
  try {
    entry("version", kBundleVersionText);
    entry("manifest.json", manifest_text);
    entry("manifest.minisig", sig_text);
    tar_write_header(a.get(), "payload.tar.zst", static_cast<uint64_t>(st.st_size), 0644, now, what);
    std::vector<char> buf(1 << 20);
    for (uint64_t off = 0; off < static_cast<uint64_t>(st.st_size);) {
      size_t n = pread_full(payload.get(), buf.data(), buf.size(), off, "the bundle payload");
      if (n == 0) throw Error(Errc::failure, "the bundle payload temp file shrank");
      tar_write_data(a.get(), buf.data(), n, what);
      off += n;
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
      throw Error(Errc::failure, "cannot finish " + what + ": " + archive_message(a.get()));
  } catch (...) {
    if (sink.error) std::rethrow_exception(sink.error);
    throw;
  }
  file.commit();
  result.manifest = std::move(m);
  result.manifest_digest = digest;
  result.signer = key.public_key();
  result.bytes = sink.bytes;
  return result;
}

}  // namespace mlops
