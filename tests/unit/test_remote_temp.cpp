#include <catch2/catch.hpp>
#include <ctime>

#include "core/atomic_file.hpp"
#include "remotes/local_remote.hpp"
#include "remotes/remote_temp.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("remote temp keys carry the time their write started", "[remote_temp]") {
  std::string key = remote_temp_key("sha256/ab/cdef", 1700000000);
  CHECK(key.rfind("sha256/ab/cdef.tmp.1700000000-", 0) == 0);
  CHECK(key.size() == std::string("sha256/ab/cdef.tmp.1700000000-").size() + 16);
  CHECK(is_remote_temp_key(key));
  CHECK(remote_temp_time({key, 0, 0}) == 1700000000);
  CHECK(remote_temp_time({key, 0, 5}) == 1700000000);  // the name wins over the mtime
  // Older names have no time: the backend's mtime, or nothing.
  CHECK(remote_temp_time({"sha256/ab/.cdef.tmp.Ab12Cd", 0, 42}) == 42);
  CHECK_FALSE(remote_temp_time({"sha256/ab/cdef.tmp.0123456789abcdef", 0, 0}));
  CHECK_FALSE(is_remote_temp_key("sha256/ab/cdef"));
  CHECK_FALSE(is_remote_temp_key("a.tmp.dir/cdef"));
}

TEST_CASE("gc's sweep removes only unfinished writes older than a day", "[remote_temp]") {
  TempDir d;
  LocalRemote remote(d.path());
  REQUIRE(remote.put_bytes("sha256/ab/cdef", "object").ok());
  int64_t now = std::time(nullptr);
  const std::string old_named = "packs/p.pack.tmp." + std::to_string(now - 90000) + "-0123456789abcdef";
  const std::string new_named = "packs/q.pack.tmp." + std::to_string(now - 60) + "-0123456789abcdef";
  fs::create_directories(d / "packs");
  for (const auto& k : {old_named, new_named, std::string("sha256/ab/.cdff.tmp.Ab12Cd")})
    write_file_atomic(d / k, "partial");
  fs::last_write_time(d / "sha256/ab/.cdff.tmp.Ab12Cd", fs::file_time_type::clock::now() - std::chrono::hours(48));

  auto listed = remote.list("");
  REQUIRE(listed.ok());
  REQUIRE(listed.value().size() == 1);  // list() shows finished keys only
  auto unfinished = remote.list_unfinished("");
  REQUIRE(unfinished.ok());
  CHECK(unfinished.value().size() == 3);

  TempSweep dry = remove_stale_remote_temps(remote, now, true);
  CHECK(dry.removed == 2);
  CHECK(dry.bytes == 14);
  CHECK(fs::exists(d / old_named));
  TempSweep done = remove_stale_remote_temps(remote, now, false);
  CHECK(done.removed == 2);
  CHECK_FALSE(fs::exists(d / old_named));
  CHECK_FALSE(fs::exists(d / "sha256/ab/.cdff.tmp.Ab12Cd"));
  CHECK(fs::exists(d / new_named));
  CHECK(fs::exists(d / "sha256/ab/cdef"));
}
