#include "remote_codec.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "core/error.hpp"
#include "core/object_store.hpp"
#include "core/pack_file.hpp"
#include "core/unique_fd.hpp"
#include "core/zstd_codec.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr size_t kSample = 1 << 20;

UniqueFd create_file(const fs::path& p) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot create " + p.string());
  return UniqueFd(fd);
}

bool starts_with_magic(const fs::path& p) {
  UniqueFd fd = open_read(p);
  char head[kCompressedLooseMagic.size()];
  return pread_full(fd.get(), head, sizeof head, 0, p) == sizeof head &&
         std::string_view(head, sizeof head) == kCompressedLooseMagic;
}

// Decodes the zloose file `part` into `plain`.
void decode_loose(const fs::path& part, const fs::path& plain, const std::string& origin) {
  UniqueFd in = open_read(part);
  if (::lseek(in.get(), static_cast<off_t>(kCompressedLooseMagic.size()), SEEK_SET) < 0)
    throw_errno("cannot read " + part.string());
  UniqueFd out = create_file(plain);
  zstd_decompress_stream(in.get(), part, out.get(), plain, origin);
}

}  // namespace

int compress_level(const RemoteSpec& spec) {
  std::string v = spec.option("compress", "false");
  if (v == "false") return 0;
  if (v == "true") return kDefaultZstdLevel;
  int level = 0;
  if (v.size() <= 2 && v.find_first_not_of("0123456789") == std::string::npos) level = std::stoi(v);
  if (level < 1 || level > kMaxZstdLevel)
    throw Error(Errc::usage, "remote." + spec.name + ".compress: '" + v + "' is not true, false or a zstd level 1-" +
                                 std::to_string(kMaxZstdLevel));
  return level;
}

EncodedEntry encode_entry(std::string_view plain, int level) {
  if (level > 0) {
    std::string z = zstd_compress(plain, level);
    if (z.size() < plain.size()) return {std::move(z), kEncodingZstd};
  }
  return {std::string(plain), kEncodingRaw};
}

CompressedCopy::~CompressedCopy() {
  std::error_code ec;
  fs::remove(path_, ec);
}

std::unique_ptr<CompressedCopy> compress_loose(const fs::path& src, const fs::path& tmp_dir, int level) {
  UniqueFd in = open_read(src);
  std::string sample(kSample, '\0');
  sample.resize(pread_full(in.get(), sample.data(), sample.size(), 0, src));
  if (!worth_compressing(sample, level)) return nullptr;
  uint64_t size = fs::file_size(src);
  std::string pattern = (tmp_dir / ".zloose.tmp.XXXXXX").string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) throw_errno("cannot create a temporary file in " + tmp_dir.string());
  UniqueFd out(fd);
  auto copy = std::make_unique<CompressedCopy>(pattern);
  write_all(out.get(), kCompressedLooseMagic.data(), kCompressedLooseMagic.size(), copy->path());
  uint64_t written = zstd_compress_stream(in.get(), src, out.get(), copy->path(), level);
  if (kCompressedLooseMagic.size() + written >= size) return nullptr;  // the sample lied
  return copy;
}

void adopt_loose(ObjectStore& store, const fs::path& part, const Hash& expected, const std::string& origin) {
  if (!starts_with_magic(part)) return store.adopt_file(part, expected, origin);
  fs::path plain = part;
  plain += ".plain";
  std::string refused;  // why the decoded form was not taken
  try {
    decode_loose(part, plain, origin + ": compressed object " + expected.str());
    store.adopt_file(plain, expected, origin + " (decompressed)");  // consumes `plain`
    fs::remove(part);
    return;
  } catch (const Error& e) {
    std::error_code ec;
    fs::remove(plain, ec);
    if (e.code() != Errc::integrity) throw;  // an I/O error: `part` stays, to resume
    refused = e.what();
  }
  // A raw object that happens to begin with the magic?
  try {
    store.adopt_file(part, expected, origin);
  } catch (const Error& e) {
    if (e.code() != Errc::integrity) throw;
    throw Error(Errc::integrity, refused);
  }
}

}  // namespace mlops
