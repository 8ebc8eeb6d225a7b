#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/hashing_copy.hpp"
#include "core/unique_fd.hpp"
#include "random_bytes.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {
UniqueFd open_new(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  return UniqueFd(fd);
}
}  // namespace

TEST_CASE("hashing copy writes and hashes every byte whatever the size", "[hashing_copy]") {
  TempDir d;
  constexpr size_t MiB = size_t{1} << 20;
  // Empty, under one block, whole blocks, whole chunks, and a tail after
  // whole chunks (the switch from direct to buffered writes).
  for (size_t size : {size_t{0}, size_t{1}, size_t{4096}, MiB, MiB + 1, 9 * MiB + 4095, 12 * MiB}) {
    CAPTURE(size);
    std::string data = test::random_bytes(size, static_cast<uint32_t>(size));
    auto src = d / ("src-" + std::to_string(size));
    auto dst = d / ("dst-" + std::to_string(size));
    write_file_atomic(src, data);
    UniqueFd in = open_read(src);
    UniqueFd out = open_new(dst);
    HashedCopy copy = copy_and_hash(in.get(), src, out.get(), dst);
    out.reset();
    CHECK(copy.size == size);
    CHECK(copy.hash == hash_bytes(data));
    CHECK(read_file(dst) == data);
  }
}

TEST_CASE("hashing copy reports a read error and stops its threads", "[hashing_copy]") {
  TempDir d;
  UniqueFd dir = open_read(d.path());  // read(2) on a directory fails with EISDIR
  UniqueFd out = open_new(d / "dst");
  CHECK_THROWS_AS(copy_and_hash(dir.get(), d.path(), out.get(), d / "dst"), Error);
}

TEST_CASE("hashing copy reports a write error naming the destination", "[hashing_copy]") {
  TempDir d;
  std::string data = test::random_bytes(3 << 20, 7);
  write_file_atomic(d / "src", data);
  UniqueFd in = open_read(d / "src");
  UniqueFd ro = open_read(d / "src");  // not open for writing: write(2) fails with EBADF
  try {
    copy_and_hash(in.get(), d / "src", ro.get(), d / "readonly");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("readonly"));
  }
}
