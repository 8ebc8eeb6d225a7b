#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "core/pack_file.hpp"
#include "random_bytes.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::random_bytes;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kThreshold = 1024;

std::vector<fs::path> packs_in(const fs::path& cache) {
  std::vector<fs::path> out;
  for (auto& e : fs::directory_iterator(cache / "packs"))
    if (is_pack_name(e.path().filename().string())) out.push_back(e.path());
  return out;
}

size_t temp_files_in(const fs::path& dir) {
  size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("small objects are packed, large ones loose", "[object_store]") {
  TempDir d;
  ObjectStore store(d / "cache", kThreshold);
  std::string small = random_bytes(100, 1), large = random_bytes(5000, 2);
  Hash hs = store.put_bytes(small);
  Hash hl = store.put_bytes(large);
  CHECK(hs == hash_bytes(small));

  auto loose = store.loose_path(hl);
  REQUIRE(loose);
  CHECK(*loose == d / "cache" / "sha256" / hl.hex().substr(0, 2) / hl.hex().substr(2));
  struct stat st {};
  REQUIRE(::stat(loose->c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0444);
  CHECK_FALSE(store.loose_path(hs));

  // Pending objects are visible to this store before flush().
  CHECK(store.contains(hs));
  CHECK(store.get_bytes(hs) == small);
  CHECK(packs_in(d / "cache").empty());
  store.flush();
  REQUIRE(packs_in(d / "cache").size() == 1);
  CHECK(store.get_bytes(hs) == small);
  CHECK(store.get_bytes(hl) == large);
}

TEST_CASE("objects survive reopening the store", "[object_store]") {
  TempDir d;
  std::vector<Hash> hashes;
  {
    ObjectStore store(d / "cache", kThreshold);
    for (uint32_t i = 0; i < 50; ++i) hashes.push_back(store.put_bytes(random_bytes(10 + i * 50, i)));
    store.flush();
  }
  ObjectStore store(d / "cache", kThreshold);
  for (uint32_t i = 0; i < 50; ++i) CHECK(store.get_bytes(hashes[i]) == random_bytes(10 + i * 50, i));
}

TEST_CASE("storing the same bytes twice stores them once", "[object_store]") {
  TempDir d;
  ObjectStore store(d / "cache", kThreshold);
  std::string small = "same small bytes";
  std::string large = random_bytes(4096, 7);
  CHECK(store.put_small(hash_bytes(small), small));
  CHECK_FALSE(store.put_small(hash_bytes(small), small));
  CHECK(store.put_small(hash_bytes(large), large));
  CHECK_FALSE(store.put_small(hash_bytes(large), large));
  store.flush();
  CHECK_FALSE(store.put_small(hash_bytes(small), small));  // now found in the index

  write_file_atomic(d / "a.bin", large);
  write_file_atomic(d / "b.txt", small);
  auto r = store.put_file(d / "a.bin");
  CHECK(r.hash == hash_bytes(large));
  CHECK(r.size == large.size());
  CHECK_FALSE(r.stored_new);
  CHECK_FALSE(store.put_file(d / "b.txt").stored_new);
  store.flush();
  size_t n = 0;
  store.for_each_object([&](const ObjectStore::ObjectInfo&) { ++n; });
  CHECK(n == 2);
}

TEST_CASE("put_file hashes small and large files", "[object_store]") {
  TempDir d;
  ObjectStore store(d / "cache", kThreshold);
  std::string small = random_bytes(kThreshold - 1, 3), large = random_bytes(3 << 20, 4);
  write_file_atomic(d / "small", small);
  write_file_atomic(d / "large", large);
  write_file_atomic(d / "empty", "");
  auto rs = store.put_file(d / "small");
  auto rl = store.put_file(d / "large");
  auto re = store.put_file(d / "empty");
  CHECK((rs.hash == hash_bytes(small) && rs.size == small.size() && rs.stored_new));
  CHECK((rl.hash == hash_bytes(large) && rl.size == large.size() && rl.stored_new));
  CHECK(re.hash == hash_bytes(""));
  CHECK(store.loose_path(rl.hash));
  CHECK_FALSE(store.loose_path(rs.hash));
  store.flush();
  CHECK(store.get_bytes(rl.hash) == large);
  CHECK(store.get_bytes(re.hash).empty());
  CHECK(temp_files_in(d / "cache") == 0);

  fs::create_directory(d / "dir");
  CHECK_THROWS_AS(store.put_file(d / "dir"), Error);
  CHECK_THROWS_WITH(store.put_file(d / "missing"), Catch::Contains("missing"));
}

TEST_CASE("an absent object is reported by name", "[object_store]") {
  TempDir d;
  ObjectStore store(d / "cache", kThreshold);
  Hash h = hash_bytes("nowhere");
  CHECK_FALSE(store.contains(h));
  try {
    store.get_bytes(h);
    FAIL("absent object was returned");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::failure);
    CHECK(std::string(e.what()) == "object " + h.str() + " is not in the cache");
  }
}

TEST_CASE("concurrent puts from four threads", "[object_store]") {
  TempDir d;
  constexpr int kThreads = 4, kPerThread = 1500;
  std::vector<Hash> expected;
  {
    // A small pack size makes threads publish packs while others append.
    ObjectStore store(d / "cache", kThreshold, 64 << 10);
    std::vector<std::thread> threads;
    std::atomic<int> stored{0}, missing{0};  // Catch assertions are not thread-safe
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        // Each object is put by two threads, so dedupe races too.
        for (int i = 0; i < kPerThread; ++i) {
          uint32_t id = static_cast<uint32_t>((t / 2) * kPerThread + i);
          std::string data = random_bytes(1 + id % 2000, id);
          auto h = hash_bytes(data);
          if (store.put_small(h, data)) ++stored;
          if (!store.contains(h)) ++missing;
        }
      });
    for (auto& t : threads) t.join();
    store.flush();
    CHECK(missing == 0);
    CHECK(stored >= kThreads / 2 * kPerThread);
    CHECK(stored <= kThreads / 2 * kPerThread + 10);  // racing duplicates are rare and harmless
    CHECK(packs_in(d / "cache").size() > 3);
  }
  ObjectStore store(d / "cache", kThreshold);
  for (uint32_t id = 0; id < kThreads / 2 * kPerThread; ++id) {
    std::string data = random_bytes(1 + id % 2000, id);
    REQUIRE(store.get_bytes(hash_bytes(data)) == data);
  }
}

TEST_CASE("batched puts from two threads dedupe across batches and packs", "[object_store]") {
  TempDir d;
  constexpr uint32_t kObjects = 3000, kBatch = 100;
  {
    // 64 KiB packs: one batch fills several, so a call publishes more than one.
    ObjectStore store(d / "cache", kThreshold, 64 << 10);
    std::atomic<size_t> stored{0};
    auto put_all = [&](bool descending) {
      for (uint32_t k = 0; k < kObjects; k += kBatch) {
        uint32_t b = descending ? kObjects - kBatch - k : k;
        std::vector<std::string> data;
        std::vector<ObjectStore::SmallObject> batch;
        for (uint32_t id = b; id < std::min(kObjects, b + kBatch); ++id) data.push_back(random_bytes(1 + id % 1000, id));
        data.push_back(data.front());  // a duplicate inside the batch
        for (const auto& x : data) batch.push_back({hash_bytes(x), x});
        stored += store.put_small_many(batch);
      }
    };
    // Both threads put every object, from opposite ends: they race where they meet.
    std::thread other([&] { put_all(true); });
    put_all(false);
    other.join();
    store.flush();
    CHECK(stored >= kObjects);
    CHECK(stored <= kObjects + 2 * kBatch);  // racing duplicates are rare and harmless
    CHECK(packs_in(d / "cache").size() > 3);
    // Once indexed, a second round stores nothing.
    std::vector<std::string> again;
    std::vector<ObjectStore::SmallObject> batch;
    for (uint32_t id = 0; id < kBatch; ++id) again.push_back(random_bytes(1 + id % 1000, id));
    for (const auto& x : again) batch.push_back({hash_bytes(x), x});
    CHECK(store.put_small_many(batch) == 0);
  }
  ObjectStore store(d / "cache", kThreshold);
  for (uint32_t id = 0; id < kObjects; ++id) {
    std::string data = random_bytes(1 + id % 1000, id);
    REQUIRE(store.get_bytes(hash_bytes(data)) == data);
  }
}

TEST_CASE("concurrent puts through full write buffers, read back while pending", "[object_store]") {
  TempDir d;
  constexpr int kThreads = 4, kPerThread = 60;
  constexpr size_t kSize = 100 << 10;  // 4 MiB write buffers fill every ~40 objects
  ObjectStore store(d / "cache", 256 << 10, 10 << 20);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        uint32_t id = static_cast<uint32_t>(t * kPerThread + i);
        std::string data = random_bytes(kSize, id);
        Hash h = store.put_bytes(data);
        // Read an earlier object of this thread: it may sit in the open
        // buffer, in a spill being written, or in a pack being published.
        uint32_t back = static_cast<uint32_t>(t * kPerThread + i / 2);
        if (store.get_bytes(hash_bytes(random_bytes(kSize, back))) != random_bytes(kSize, back)) ++wrong;
        if (store.get_bytes(h) != data) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  store.flush();
  CHECK(wrong == 0);
  CHECK(packs_in(d / "cache").size() >= 2);
  ObjectStore reopened(d / "cache", 256 << 10);
  NullProgress progress;
  CHECK(reopened.verify(2, progress).empty());
  size_t n = 0;
  reopened.for_each_object([&](const ObjectStore::ObjectInfo& info) { n += info.packed; });
  CHECK(n == kThreads * kPerThread);
}

TEST_CASE("a store dropped without flush keeps nothing of its open pack", "[object_store][crash]") {
  TempDir d;
  Hash h;
  {
    ObjectStore store(d / "cache", kThreshold);
    h = store.put_bytes("never flushed");
    CHECK(temp_files_in(d / "cache") == 1);
  }
  CHECK(temp_files_in(d / "cache") == 0);
  ObjectStore store(d / "cache", kThreshold);
  CHECK_FALSE(store.contains(h));
}

TEST_CASE("crash leftovers are cleaned up or indexed on open", "[object_store][crash]") {
  TempDir d;
  fs::path cache = d / "cache";
  std::vector<std::string> objects = {"first", "second", random_bytes(500, 9)};
  { ObjectStore init(cache, kThreshold); }

  SECTION("a temp pack of a dead writer is removed") {
    auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    write_file_atomic(cache / "packs" / ".incoming.pack.tmp.Ab12Cd", "MLOPSPCK partial");
    write_file_atomic(cache / "sha256" / ".incoming.tmp.Xy34Zw", "partial large object");
    fs::last_write_time(cache / "packs" / ".incoming.pack.tmp.Ab12Cd", old);
    fs::last_write_time(cache / "sha256" / ".incoming.tmp.Xy34Zw", old);
    ObjectStore store(cache, kThreshold);
    CHECK(temp_files_in(cache) == 0);
  }

  SECTION("a temp pack of a live writer is kept") {
    ObjectStore writer(cache, kThreshold);
    Hash h = writer.put_bytes("in flight");
    ObjectStore other(cache, kThreshold);
    CHECK(other.remove_temp_files(std::chrono::seconds(0), true) == 0);
    CHECK(temp_files_in(cache) == 1);
    CHECK_FALSE(other.contains(h));
    writer.flush();
    CHECK(other.contains(h));  // through the shared index
    CHECK(other.get_bytes(h) == "in flight");
  }

  SECTION("a published pack missing from the index is indexed") {
    {
      PackWriter w(cache / "packs");
      for (const auto& o : objects) w.append(hash_bytes(o), o);
      w.publish();  // "crash" before the index rows are committed
    }
    ObjectStore store(cache, kThreshold);
    for (const auto& o : objects) CHECK(store.get_bytes(hash_bytes(o)) == o);
  }

  SECTION("a deleted or unreadable index is rebuilt from the packs") {
    {
      ObjectStore store(cache, kThreshold);
      for (const auto& o : objects) store.put_bytes(o);
      store.flush();
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(cache / "packs" / (std::string("index.sqlite") + suffix));
    {
      ObjectStore store(cache, kThreshold);
      for (const auto& o : objects) CHECK(store.get_bytes(hash_bytes(o)) == o);
    }
    fs::remove(cache / "packs" / "index.sqlite-wal");
    fs::remove(cache / "packs" / "index.sqlite-shm");
    write_file_atomic(cache / "packs" / "index.sqlite", std::string(8192, 'G'));
    ObjectStore store(cache, kThreshold);
    for (const auto& o : objects) CHECK(store.get_bytes(hash_bytes(o)) == o);
    CHECK(store.rebuild_index().objects == objects.size());
    for (const auto& o : objects) CHECK(store.get_bytes(hash_bytes(o)) == o);
  }

  SECTION("a vanished pack is dropped from the index") {
    {
      ObjectStore store(cache, kThreshold);
      store.put_bytes("gone soon");
      store.flush();
    }
    for (const auto& p : packs_in(cache)) fs::remove(p);
    ObjectStore store(cache, kThreshold);
    CHECK_FALSE(store.contains(hash_bytes("gone soon")));
  }
}

TEST_CASE("the version-1 pack fixture is readable through a store", "[object_store][fixture]") {
  TempDir d;
  fs::path fixtures = fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "pack-v1";
  fs::create_directories(d / "cache" / "packs");
  for (auto& e : fs::directory_iterator(fixtures))
    if (is_pack_name(e.path().filename().string())) fs::copy_file(e.path(), d / "cache" / "packs" / e.path().filename());
  ObjectStore store(d / "cache", kThreshold);
  CHECK(store.get_bytes(hash_bytes("hello, mlops\n")) == "hello, mlops\n");
  CHECK(store.get_bytes(hash_bytes("")).empty());
  CHECK(store.get_bytes(hash_bytes(std::string(300, 'z'))) == std::string(300, 'z'));
}
