#include <catch2/catch.hpp>
#include <sys/file.h>
#include <sys/stat.h>

#include <ctime>

#include "core/atomic_file.hpp"
#include "core/device_incoming.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using namespace mlops::test;
namespace fs = std::filesystem;

namespace {

// A file in `dir` last modified `hours` ago.
fs::path upload(const fs::path& dir, const std::string& name, int hours) {
  fs::create_directories(dir);
  write_file_atomic(dir / name, "bytes");
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = std::time(nullptr) - hours * 3600;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  REQUIRE(::utimensat(AT_FDCWD, (dir / name).c_str(), times, 0) == 0);
  return dir / name;
}

}  // namespace

TEST_CASE("uploads older than their lifetime are removed, fresh and held ones kept", "[device_incoming]") {
  TempDir d;
  fs::path in = incoming_dir(d.path());
  CHECK(remove_stale_uploads(d.path(), std::chrono::hours(24)).empty());  // no directory yet
  upload(in, "old-1.mlbundle.part", 48);
  upload(in, "fresh-1.mlbundle.part", 1);
  fs::path held = upload(in, "held-1.mlbundle.part", 48);
  UniqueFd lock = lock_upload(held, true);  // an upload in progress
  fs::create_directories(in / "subdir");

  auto removed = remove_stale_uploads(d.path(), std::chrono::hours(24));
  CHECK(removed == std::vector<std::string>{"old-1.mlbundle.part"});
  CHECK_FALSE(fs::exists(in / "old-1.mlbundle.part"));
  CHECK(fs::exists(in / "fresh-1.mlbundle.part"));
  CHECK(fs::exists(held));
  CHECK(fs::is_directory(in / "subdir"));

  lock.reset();
  CHECK(remove_stale_uploads(d.path(), std::chrono::hours(24)) == std::vector<std::string>{"held-1.mlbundle.part"});
}

TEST_CASE("an upload is held by one request at a time", "[device_incoming]") {
  TempDir d;
  fs::path part = incoming_dir(d.path()) / "m-1.mlbundle.part";
  fs::create_directories(part.parent_path());
  CHECK_FALSE(lock_upload(part, false));  // nothing to activate
  UniqueFd writer = lock_upload(part, true);
  REQUIRE(writer);
  CHECK_THROWS_WITH(lock_upload(part, false), Catch::Contains("m-1.mlbundle.part") && Catch::Contains("in use"));
  writer.reset();
  CHECK(lock_upload(part, false));
}
