#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/workspace_temp.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("workspace temp names follow one rule", "[workspace_temp]") {
  CHECK(workspace_temp_name("f001.bin") == ".f001.bin.mlops-tmp.XXXXXX");
  CHECK(workspace_temp_name("f001.bin", "new") == ".f001.bin.mlops-tmp.new");
  for (const char* name : {".f001.bin.mlops-tmp.Ab12Cd", ".f.mlops-tmp.new", ".a.b.mlops-tmp.0123456789abcdef",
                           "..f.mlops-tmp.new.mlops-tmp.Zz99Yy"}) {
    CAPTURE(name);
    CHECK(is_workspace_temp_name(name));
  }
  for (const char* name : {"f.mlops-tmp.Ab12Cd", ".notes.mlops-tmp", ".f.mlops-tmp.", "..mlops-tmp.Ab12Cd",
                           ".f.mlops-tmp.Ab-2Cd", ".f.mlops-tmp.0123456789abcdefg", ".f.tmp.Ab12Cd", "f001.bin"}) {
    CAPTURE(name);
    CHECK_FALSE(is_workspace_temp_name(name));
  }
  CHECK(is_workspace_temp_of(".f.bin.mlops-tmp.Ab12Cd", "f.bin"));
  CHECK(is_workspace_temp_of("..f.bin.mlops-tmp.new.mlops-tmp.Ab12Cd", "f.bin"));
  CHECK_FALSE(is_workspace_temp_of(".g.bin.mlops-tmp.Ab12Cd", "f.bin"));
  CHECK_FALSE(is_workspace_temp_of(".f.bin.mlops-tmp.Ab12Cd", ""));
}

TEST_CASE("only a file's own temps are removed beside it", "[workspace_temp]") {
  TempDir d;
  for (const char* name : {".f.bin.mlops-tmp.Ab12Cd", ".f.bin.mlops-tmp.new", ".g.bin.mlops-tmp.Ab12Cd", "f.bin",
                           ".f.bin.notes"})
    write_file_atomic(d / name, "x");
  fs::create_directory(d / ".f.bin.mlops-tmp.dir001");
  CHECK(remove_workspace_temps_beside(d / "f.bin") == 2);
  CHECK_FALSE(fs::exists(d / ".f.bin.mlops-tmp.Ab12Cd"));
  CHECK_FALSE(fs::exists(d / ".f.bin.mlops-tmp.new"));
  CHECK(fs::exists(d / ".g.bin.mlops-tmp.Ab12Cd"));
  CHECK(fs::exists(d / "f.bin"));
  CHECK(fs::exists(d / ".f.bin.notes"));
  CHECK(fs::is_directory(d / ".f.bin.mlops-tmp.dir001"));  // never ours to remove

  CHECK(remove_workspace_temps(d.path(), {".g.bin.mlops-tmp.Ab12Cd", "f.bin", "absent/.x.mlops-tmp.Ab12Cd"}) == 1);
  CHECK_FALSE(fs::exists(d / ".g.bin.mlops-tmp.Ab12Cd"));
  CHECK(fs::exists(d / "f.bin"));
}
