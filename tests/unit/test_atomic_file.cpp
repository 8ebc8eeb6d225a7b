#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {
size_t entries(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_CASE("atomic file publishes on commit only", "[atomic_file]") {
  TempDir d;
  auto target = d / "out.txt";
  {
    AtomicFile f(target, 0600);
    f.write("hello");
    CHECK_FALSE(fs::exists(target));
    f.commit();
  }
  CHECK(read_file(target) == "hello");
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    AtomicFile f(target);
    f.write("abandoned");
  }  // never committed: temp removed, target untouched
  CHECK(read_file(target) == "hello");
  CHECK(entries(d.path()) == 1);
}

TEST_CASE("commit without replace keeps the existing file", "[atomic_file]") {
  TempDir d;
  auto target = d / "obj";
  write_file_atomic(target, "first");
  AtomicFile f(target);
  f.write("second");
  f.commit(false);
  CHECK(read_file(target) == "first");
  CHECK(entries(d.path()) == 1);
}

TEST_CASE("errors name the path", "[atomic_file]") {
  CHECK_THROWS_WITH(AtomicFile("/nonexistent-dir/x"), Catch::Contains("/nonexistent-dir"));
  CHECK_THROWS_WITH(read_file("/nonexistent-file"), Catch::Contains("/nonexistent-file"));
}
