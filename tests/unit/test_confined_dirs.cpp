#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/confined_dirs.hpp"
#include "core/error.hpp"
#include "core/materialize.hpp"
#include "error_code.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("confined directories are created and reused below the root", "[confined_dirs]") {
  TempDir d;
  fs::create_directory(d / "repo");
  ConfinedDirs dirs(d / "repo");
  CHECK_FALSE(dirs.open("a/b", false));
  auto b = dirs.open("a/b/c", true);
  REQUIRE(b);
  CHECK(fs::is_directory(d / "repo/a/b/c"));
  CHECK(dirs.open("a/b/c", false) == b);  // cached
  write_new_file(FileAt(b->get(), "f", d / "repo/a/b/c/f"), "data", 0644);
  CHECK(read_file(d / "repo/a/b/c/f") == "data");
  dirs.remove("a");
  CHECK_FALSE(fs::exists(d / "repo/a"));
  CHECK_FALSE(dirs.open("a/b/c", false));  // forgotten with the removal
}

TEST_CASE("a symlinked directory component is refused, inside or outside", "[confined_dirs]") {
  TempDir d;
  fs::create_directories(d / "repo/real");
  fs::create_directories(d / "outside");
  fs::create_directory_symlink(d / "outside", d / "repo/out");
  fs::create_directory_symlink("real", d / "repo/in");
  ConfinedDirs dirs(d / "repo");
  CHECK(test::code_of([&] { dirs.open("out/x", true); }) == Errc::usage);
  CHECK(test::code_of([&] { dirs.open("out", false); }) == Errc::usage);
  CHECK(test::code_of([&] { dirs.open("in/x", true); }) == Errc::usage);
  CHECK(test::code_of([&] { dirs.open("real/.git/hooks", true); }) == Errc::usage);
  CHECK(fs::is_empty(d / "outside"));
  CHECK_FALSE(fs::exists(d / "repo/real/.git"));
}

TEST_CASE("removal never follows a symlink", "[confined_dirs]") {
  TempDir d;
  fs::create_directories(d / "repo/tree");
  fs::create_directories(d / "outside");
  write_file_atomic(d / "outside/keep", "keep");
  fs::create_directory_symlink(d / "outside", d / "repo/tree/link");
  fs::create_directory_symlink(d / "outside", d / "repo/top");
  ConfinedDirs dirs(d / "repo");
  dirs.remove("tree");
  CHECK_FALSE(fs::exists(d / "repo/tree"));
  CHECK(test::code_of([&] { dirs.remove("top/keep"); }) == Errc::usage);
  CHECK(read_file(d / "outside/keep") == "keep");
}

TEST_CASE("temp files are created in the directory, never through a symlink", "[confined_dirs]") {
  TempDir d;
  fs::create_directory(d / "dir");
  UniqueFd dir(::open((d / "dir").c_str(), O_RDONLY | O_DIRECTORY));
  std::string name = ".t.XXXXXX";
  UniqueFd fd = create_temp_at(dir.get(), name);
  REQUIRE(fd);
  CHECK(name != ".t.XXXXXX");
  CHECK(fs::exists(d / "dir" / name));
}
