#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/gitignore.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

TEST_CASE("gitignore entries are added once and removed", "[gitignore]") {
  TempDir d;
  write_file_atomic(d / ".gitignore", "*.log\n");
  CHECK(gitignore_add(d.path(), "data"));
  CHECK_FALSE(gitignore_add(d.path(), "data"));
  CHECK(read_file(d / ".gitignore") == "*.log\n/data\n");
  CHECK(gitignore_remove(d.path(), "data"));
  CHECK(read_file(d / ".gitignore") == "*.log\n");
  CHECK_FALSE(gitignore_remove(d.path(), "data"));
}

TEST_CASE("special characters are escaped; an emptied file is removed", "[gitignore]") {
  CHECK(gitignore_entry("a*b[1]?") == "/a\\*b\\[1]\\?");
  CHECK(gitignore_entry("#notes") == "/\\#notes");
  CHECK(gitignore_entry("trail ") == "/trail\\ ");
  TempDir d;
  gitignore_add(d.path(), "x");
  gitignore_remove(d.path(), "x");
  CHECK_FALSE(std::filesystem::exists(d / ".gitignore"));
}
