#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/state_index.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

TEST_CASE("state index vouches only for unchanged, non-racy files", "[state]") {
  TempDir d;
  Hash h = hash_bytes("content");
  FileStat old_file{1, 2, now_ns() - 10'000'000'000, 7};
  {
    StateIndex s(d / "state.sqlite");
    s.record("data/a", old_file, h);
    s.flush();
  }
  StateIndex s(d / "state.sqlite");
  CHECK_FALSE(s.lookup("data/a", old_file));  // not preloaded yet
  s.preload("data");
  REQUIRE(s.lookup("data/a", old_file));
  CHECK(*s.lookup("data/a", old_file) == h);
  FileStat changed = old_file;
  changed.size = 8;
  CHECK_FALSE(s.lookup("data/a", changed));
  changed = old_file;
  changed.mtime_ns += 1;
  CHECK_FALSE(s.lookup("data/a", changed));
  changed = old_file;
  changed.ino = 3;
  CHECK_FALSE(s.lookup("data/a", changed));
}

TEST_CASE("racy entries are re-hashed", "[state]") {
  TempDir d;
  StateIndex s(d / "state.sqlite");
  // Modified in the same instant as it was hashed: a later write in the same
  // clock tick would not move the mtime, so the entry cannot be trusted.
  FileStat fresh{1, 2, now_ns(), 7};
  s.record("x", fresh, hash_bytes("a"));
  s.flush();
  CHECK_FALSE(s.lookup("x", fresh));
  // Whole-second timestamps need a full second of distance.
  FileStat coarse{1, 3, (now_ns() / 1'000'000'000) * 1'000'000'000, 7};
  s.record("y", coarse, hash_bytes("b"));
  s.flush();
  CHECK_FALSE(s.lookup("y", coarse));
}

TEST_CASE("preload takes a path and what is below it, not its siblings", "[state]") {
  TempDir d;
  FileStat st{1, 2, now_ns() - 10'000'000'000, 1};
  {
    StateIndex s(d / "state.sqlite");
    for (const char* p : {"data", "data/x", "data-other/y", "datab"}) s.record(p, st, hash_bytes(p));
    s.flush();
  }
  StateIndex s(d / "state.sqlite");
  s.preload("data");
  CHECK(s.lookup("data", st));
  CHECK(s.lookup("data/x", st));
  CHECK_FALSE(s.lookup("data-other/y", st));
  CHECK_FALSE(s.lookup("datab", st));
}

TEST_CASE("stat_file reports lstat data", "[state]") {
  TempDir d;
  write_file_atomic(d / "f", "12345");
  auto st = stat_file(d / "f");
  REQUIRE(st);
  CHECK(st->size == 5);
  CHECK_FALSE(stat_file(d / "missing"));
}

TEST_CASE("records reach the database in batches so memory stays flat", "[state]") {
  TempDir d;
  FileStat st{1, 2, now_ns() - 10'000'000'000, 1};
  StateIndex writer(d / "state.sqlite");
  for (int i = 0; i < 20000; ++i) writer.record("big/f" + std::to_string(i), st, hash_bytes(std::to_string(i)));
  // No flush yet: the earlier batches are already in the database.
  StateIndex reader(d / "state.sqlite");
  reader.preload("big");
  CHECK(reader.lookup("big/f0", st));
  writer.flush();
  StateIndex after(d / "state.sqlite");
  after.preload("big");
  CHECK(after.lookup("big/f19999", st));
}

TEST_CASE("flush refreshes loaded entries and preload finds new ones", "[state]") {
  TempDir d;
  FileStat st{1, 2, now_ns() - 10'000'000'000, 1};
  StateIndex s(d / "state.sqlite");
  s.record("dir/a", st, hash_bytes("a"));
  s.flush();
  s.preload("dir");
  REQUIRE(s.lookup("dir/a", st));
  FileStat newer = st;
  newer.mtime_ns += 1'000'000'000;
  s.record("dir/a", newer, hash_bytes("a2"));
  s.record("dir/b", st, hash_bytes("b"));
  s.flush();
  CHECK(*s.lookup("dir/a", newer) == hash_bytes("a2"));  // refreshed in place
  s.preload("dir");
  CHECK(*s.lookup("dir/b", st) == hash_bytes("b"));
}
