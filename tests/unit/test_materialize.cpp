#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/materialize.hpp"
#include "core/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

ino_t inode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("loose objects materialise by the first link type that works", "[materialize]") {
  TempDir d;
  ObjectStore store(d / "cache", 16);
  std::string data = "a large enough object for a loose file";
  Hash h = store.put_bytes(data);
  fs::path cached = *store.loose_path(h);
  fs::create_directory(d / "ws");

  CHECK(store.materialize(h, d / "ws" / "copy", {"copy"}, 0640) == "copy");
  CHECK(read_file(d / "ws" / "copy") == data);
  CHECK(mode_of(d / "ws" / "copy") == 0640);
  CHECK(inode_of(d / "ws" / "copy") != inode_of(cached));

  CHECK(store.materialize(h, d / "ws" / "hard", {"hardlink", "copy"}, 0644) == "hardlink");
  CHECK(inode_of(d / "ws" / "hard") == inode_of(cached));
  CHECK(mode_of(d / "ws" / "hard") == 0444);  // read-only: editing it cannot corrupt the cache

  CHECK(store.materialize(h, d / "ws" / "sym", {"symlink"}, 0644) == "symlink");
  CHECK(fs::is_symlink(d / "ws" / "sym"));
  CHECK(fs::read_symlink(d / "ws" / "sym") == cached);
  CHECK(read_file(d / "ws" / "sym") == data);

  // ext4 and tmpfs cannot reflink: the next type is used.
  std::string how = store.materialize(h, d / "ws" / "ref", {"reflink", "copy"}, 0644);
  CHECK((how == "reflink" || how == "copy"));
  CHECK(read_file(d / "ws" / "ref") == data);

  // An executable file cannot share the read-only cache inode.
  CHECK(store.materialize(h, d / "ws" / "exe", {"hardlink", "symlink", "copy"}, 0755) == "copy");
  CHECK(mode_of(d / "ws" / "exe") == 0755);
}

TEST_CASE("packed objects are always written out", "[materialize]") {
  TempDir d;
  ObjectStore store(d / "cache", 1024);
  Hash h = store.put_bytes("small");
  fs::create_directory(d / "ws");
  CHECK(store.materialize(h, d / "ws" / "pending", {"hardlink"}, 0600) == "copy");  // still in the open pack
  store.flush();
  CHECK(store.materialize(h, d / "ws" / "packed", {"symlink", "hardlink"}, 0644) == "copy");
  CHECK(read_file(d / "ws" / "packed") == "small");
  CHECK(mode_of(d / "ws" / "packed") == 0644);
  CHECK(read_file(d / "ws" / "pending") == "small");
}

TEST_CASE("materialize never replaces a file and rejects bad input", "[materialize]") {
  TempDir d;
  ObjectStore store(d / "cache", 16);
  Hash loose = store.put_bytes("a large enough object for a loose file");
  Hash packed = store.put_bytes("tiny");
  write_file_atomic(d / "taken", "user data");
  for (const auto& type : {"copy", "reflink", "hardlink", "symlink"}) {
    CAPTURE(type);
    CHECK_THROWS_WITH(store.materialize(loose, d / "taken", {type}, 0644), Catch::Contains("already exists"));
  }
  CHECK_THROWS_WITH(store.materialize(packed, d / "taken", {"copy"}, 0644), Catch::Contains("already exists"));
  CHECK(read_file(d / "taken") == "user data");

  CHECK_THROWS_MATCHES(store.materialize(loose, d / "x", {"teleport"}, 0644), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::usage; }));
  CHECK_THROWS_WITH(store.materialize(hash_bytes("absent"), d / "y", {"copy"}, 0644),
                    Catch::Contains("is not in the cache"));
  CHECK_FALSE(fs::exists(d / "x"));
  CHECK_FALSE(fs::exists(d / "y"));
  size_t leftovers = 0;
  for (auto& e : fs::directory_iterator(d.path()))
    if (e.path().filename().string().find("mlops-tmp") != std::string::npos) ++leftovers;
  CHECK(leftovers == 0);
}

TEST_CASE("write_new_file creates complete files only", "[materialize]") {
  TempDir d;
  write_new_file(d / "f", "content", 0600);
  CHECK(read_file(d / "f") == "content");
  CHECK(mode_of(d / "f") == 0600);
  CHECK_THROWS_WITH(write_new_file(d / "f", "other", 0600), Catch::Contains("already exists"));
  CHECK(read_file(d / "f") == "content");
}
