#include <fcntl.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "core/zstd_codec.hpp"
#include "error_code.hpp"
#include "random_bytes.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::code_of;
using mlops::test::random_bytes;
using mlops::test::compressible_text;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

UniqueFd create(const fs::path& p) { return UniqueFd(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)); }

}  // namespace

TEST_CASE("zstd buffers round trip", "[zstd_codec]") {
  for (const std::string& plain :
       {std::string(), compressible_text(100), compressible_text(3 << 20), random_bytes(5000, 1)}) {
    std::string z = zstd_compress(plain, kDefaultZstdLevel);
    CHECK(zstd_decompress(z, plain.size(), "x") == plain);
  }
  CHECK(zstd_compress(compressible_text(1 << 20), 1).size() < (1 << 18));
}

TEST_CASE("corrupt or oversized zstd data is an integrity error", "[zstd_codec]") {
  std::string z = zstd_compress(compressible_text(100000), kDefaultZstdLevel);
  std::string cut = z.substr(0, z.size() / 2);
  CHECK(code_of([&] { zstd_decompress(cut, 1 << 20, "obj"); }) == Errc::integrity);
  std::string flipped = z;
  flipped[flipped.size() / 2] ^= 0x5a;
  CHECK_THROWS_WITH(zstd_decompress(flipped, 1 << 20, "obj"), Catch::Contains("obj"));
  CHECK(code_of([&] { zstd_decompress("not zstd at all", 1 << 20, "obj"); }) == Errc::integrity);
  // A frame that decodes to more than the caller allows stops there.
  CHECK(code_of([&] { zstd_decompress(z, 1000, "obj"); }) == Errc::integrity);
}

TEST_CASE("zstd streams between files round trip", "[zstd_codec]") {
  TempDir d;
  std::string plain = compressible_text(5 << 20) + random_bytes(1 << 20, 2);
  write_file_atomic(d / "plain", plain);
  {
    UniqueFd in = open_read(d / "plain");
    UniqueFd out = create(d / "z");
    uint64_t n = zstd_compress_stream(in.get(), d / "plain", out.get(), d / "z", kDefaultZstdLevel);
    CHECK(n == fs::file_size(d / "z"));
    CHECK(n < plain.size() / 2);
  }
  {
    UniqueFd in = open_read(d / "z");
    UniqueFd out = create(d / "back");
    CHECK(zstd_decompress_stream(in.get(), d / "z", out.get(), d / "back", "z") == plain.size());
  }
  CHECK(read_file(d / "back") == plain);

  // Cut off in the middle: refused, whatever was decoded so far.
  std::string z = read_file(d / "z");
  write_file_atomic(d / "cut", z.substr(0, z.size() - 100));
  UniqueFd in = open_read(d / "cut");
  UniqueFd out = create(d / "back2");
  CHECK(code_of([&] { zstd_decompress_stream(in.get(), d / "cut", out.get(), d / "back2", "cut"); }) ==
        Errc::integrity);
}

TEST_CASE("random bytes are not worth compressing", "[zstd_codec]") {
  CHECK_FALSE(worth_compressing(random_bytes(1 << 20, 3), kDefaultZstdLevel));
  CHECK(worth_compressing(compressible_text(1 << 20), kDefaultZstdLevel));
  CHECK_FALSE(worth_compressing("", kDefaultZstdLevel));
}
