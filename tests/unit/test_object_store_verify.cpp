#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Overwrites one byte in place, as a stray write through a hardlink would.
void flip_in_place(const fs::path& p, off_t offset) {
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  int fd = ::open(p.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  char c = 0;
  REQUIRE(::pread(fd, &c, 1, offset) == 1);
  c = static_cast<char>(c ^ 0x20);
  REQUIRE(::pwrite(fd, &c, 1, offset) == 1);
  ::close(fd);
}

bool is_integrity(const Error& e) { return e.code() == Errc::integrity; }

// A loose object stored the way `add` stores a large file.
Hash add_file(ObjectStore& store, const fs::path& dir, const std::string& data) {
  write_file_atomic(dir / "src", data);
  return store.put_file(dir / "src").hash;
}

}  // namespace

TEST_CASE("a corrupt loose object is never placed, by any link type", "[object_store_verify]") {
  for (std::string type : {"copy", "reflink", "hardlink", "symlink"}) {
    TempDir d;
    ObjectStore store(d / "cache", 16);
    Hash h = add_file(store, d.path(), "the bytes of a large object, as added");
    fs::path cached = *store.loose_path(h);
    flip_in_place(cached, 3);
    fs::path dst = d / "placed";
    try {
      store.materialize(h, dst, {type, "copy"}, 0644);
      FAIL(type + ": a corrupt object was placed");
    } catch (const Error& e) {
      CHECK(is_integrity(e));
      CHECK_THAT(e.what(), Catch::Contains(h.str()) && Catch::Contains(dst.string()));
    }
    CHECK_FALSE(fs::exists(fs::symlink_status(dst)));
    CHECK_FALSE(fs::exists(cached));
    CHECK(fs::exists(d / "cache" / "quarantine" / h.hex()));
    CHECK_FALSE(store.contains(h));
  }
}

TEST_CASE("a write after a placement is seen by the next one", "[object_store_verify]") {
  TempDir d;
  ObjectStore store(d / "cache", 16);
  Hash h = add_file(store, d.path(), "the bytes of a large object, as added");
  CHECK(store.materialize(h, d / "first", {"hardlink"}, 0644) == "hardlink");
  CHECK(store.materialize(h, d / "second", {"copy"}, 0644) == "copy");
  flip_in_place(d / "first", 0);  // the same inode as the cached object
  CHECK_THROWS_MATCHES(store.materialize(h, d / "third", {"copy"}, 0644), Error, Catch::Predicate<Error>(is_integrity));
  CHECK_FALSE(fs::exists(d / "third"));
}

TEST_CASE("push and bundles hash what they read, and get the bytes only when intact", "[object_store_verify]") {
  TempDir d;
  ObjectStore store(d / "cache", 16);
  std::string data(100000, 'q');
  Hash h = add_file(store, d.path(), data);
  std::string got;
  CHECK(store.read_checked(h, [&](const char* p, size_t n) { got.append(p, n); }, "a bundle") == data.size());
  CHECK(got == data);
  CHECK(store.checked_loose(h, "a push", false) == *store.loose_path(h));
  flip_in_place(*store.loose_path(h), 99999);
  got.clear();
  CHECK_THROWS_WITH(store.read_checked(h, [&](const char* p, size_t n) { got.append(p, n); }, "a bundle"),
                    Catch::Contains("for a bundle") && Catch::Contains("corrupt"));
  CHECK_THROWS_WITH(store.checked_loose(h, "a push", false), Catch::Contains("not in the cache"));  // quarantined
  CHECK_THROWS_MATCHES(store.get_bytes(h), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::failure; }));
}
