#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/export_tree.hpp"
#include "core/object_store.hpp"
#include "core/tree.hpp"
#include "error_code.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::code_of;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A stored directory: a.txt, run.sh (executable), link -> a.txt, sub/b.bin
// and an empty directory, as `mlops add` would record it.
struct StoredDir {
  TempDir d;
  ObjectStore store{d / "cache", 8};
  Hash b = store.put_bytes("bytes of b, large enough to be loose");
  TreeRef root;
  StoredDir() {
    Tree sub{{{EntryKind::file, b, 36, 1, "b.bin"}}};
    Tree empty;
    Hash sub_h = store.put_bytes(serialize_tree(sub));
    Hash empty_h = store.put_bytes(serialize_tree(empty));
    Tree top{{{EntryKind::file, store.put_bytes("alpha"), 5, 1, "a.txt"},
              {EntryKind::exec, store.put_bytes("#!/bin/sh\n"), 10, 1, "run.sh"},
              {EntryKind::link, store.put_bytes("a.txt"), 5, 0, "link"},
              {EntryKind::dir, sub_h, 36, 1, "sub"},
              {EntryKind::dir, empty_h, 0, 0, "empty"}}};
    root = {EntryKind::dir, store.put_bytes(serialize_tree(top)), 51};
    store.flush();
  }
};

bool is_executable(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && (st.st_mode & 0100);
}

}  // namespace

TEST_CASE("export_tree writes a stored directory with modes links and empty dirs") {
  StoredDir s;
  fs::path out = s.d / "out" / "model";
  ExportStats stats = export_tree(s.store, s.root, out, false, 2);
  CHECK(stats.files == 3);
  CHECK(stats.bytes == 51);
  CHECK(read_file(out / "a.txt") == "alpha");
  CHECK(read_file(out / "sub" / "b.bin") == "bytes of b, large enough to be loose");
  CHECK(is_executable(out / "run.sh"));
  CHECK_FALSE(is_executable(out / "a.txt"));
  CHECK(fs::read_symlink(out / "link") == "a.txt");
  CHECK(fs::is_directory(out / "empty"));
  // A copy, not a link into the cache: editing it cannot corrupt the cache.
  CHECK_FALSE(fs::equivalent(out / "sub" / "b.bin", *s.store.loose_path(s.b)));
  for (const auto& e : fs::directory_iterator(s.d / "out")) CHECK(e.path().filename() == "model");  // no temp left
}

TEST_CASE("export_tree writes a single file") {
  StoredDir s;
  ExportStats stats = export_tree(s.store, {EntryKind::file, s.b, 36}, s.d / "b.bin", false, 1);
  CHECK(stats.files == 1);
  CHECK(read_file(s.d / "b.bin") == "bytes of b, large enough to be loose");
}

TEST_CASE("export_tree replaces an existing path only when asked") {
  StoredDir s;
  fs::path out = s.d / "model";
  fs::create_directories(out / "old");
  write_file_atomic(out / "old" / "keep.txt", "mine");
  CHECK(code_of([&] { export_tree(s.store, s.root, out, false, 1); }) == Errc::usage);
  CHECK(read_file(out / "old" / "keep.txt") == "mine");
  export_tree(s.store, s.root, out, true, 1);
  CHECK_FALSE(fs::exists(out / "old"));
  CHECK(read_file(out / "a.txt") == "alpha");
}

TEST_CASE("export_tree lists what the cache lacks and then writes nothing") {
  StoredDir s;
  Hash absent = hash_bytes("never stored");
  Tree top{{{EntryKind::file, absent, 12, 1, "gone.bin"}, {EntryKind::file, s.b, 36, 1, "b.bin"}}};
  TreeRef root{EntryKind::dir, s.store.put_bytes(serialize_tree(top)), 48};
  std::vector<Hash> missing;
  auto entries = list_entries(s.store, root, missing);
  CHECK(entries.size() == 3);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] == absent);
  missing.clear();
  list_entries(s.store, {EntryKind::dir, absent, 0}, missing);
  CHECK(missing.size() == 1);  // an absent manifest: nothing below it is known

  CHECK(code_of([&] { export_tree(s.store, root, s.d / "out" / "x", false, 1); }) == Errc::failure);
  CHECK_FALSE(fs::exists(s.d / "out" / "x"));
}
