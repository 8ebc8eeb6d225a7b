#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "core/atomic_file.hpp"
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

std::set<std::string> pack_names(const fs::path& cache) {
  std::set<std::string> out;
  for (auto& e : fs::directory_iterator(cache / "packs"))
    if (is_pack_name(e.path().filename().string())) out.insert(e.path().filename().string());
  return out;
}

std::vector<ObjectStore::ObjectInfo> objects_of(const ObjectStore& store) {
  std::vector<ObjectStore::ObjectInfo> out;
  store.for_each_object([&](const ObjectStore::ObjectInfo& i) { out.push_back(i); });
  return out;
}

}  // namespace

TEST_CASE("gc removes dead objects and repacks mostly-dead packs", "[object_store][gc]") {
  TempDir d;
  fs::path cache = d / "cache";
  std::set<Hash> live;
  std::vector<std::pair<Hash, std::string>> all;
  auto put = [&](ObjectStore& s, std::string data, bool is_live) {
    Hash h = s.put_bytes(data);
    all.push_back({h, data});
    if (is_live) live.insert(h);
  };
  std::string mostly_dead, all_dead, all_live;
  {
    ObjectStore store(cache, kThreshold);
    put(store, random_bytes(4000, 100), true);   // loose, live
    put(store, random_bytes(4000, 101), false);  // loose, dead
    put(store, random_bytes(500, 1), true);
    for (uint32_t i = 2; i < 10; ++i) put(store, random_bytes(500, i), false);
    store.flush();
    auto after = pack_names(cache);
    REQUIRE(after.size() == 1);
    mostly_dead = *after.begin();
    for (uint32_t i = 10; i < 15; ++i) put(store, random_bytes(500, i), false);
    store.flush();
    for (uint32_t i = 15; i < 20; ++i) put(store, random_bytes(500, i), true);
    store.flush();
    REQUIRE(pack_names(cache).size() == 3);
  }
  ObjectStore store(cache, kThreshold);
  auto is_live = [&](const Hash& h) { return live.count(h) > 0; };

  auto dry = store.gc(is_live, 0.5, /*dry_run=*/true);
  CHECK(dry.objects_removed == 1 + 8 + 5);
  CHECK(dry.packs_rewritten == 1);
  CHECK(dry.packs_deleted == 1);
  CHECK(dry.bytes_freed > 4000 + 13 * 500);
  CHECK(pack_names(cache).size() == 3);
  CHECK(objects_of(store).size() == all.size());

  auto stats = store.gc(is_live, 0.5, /*dry_run=*/false);
  CHECK(stats.objects_removed == dry.objects_removed);
  CHECK(stats.packs_rewritten == 1);
  CHECK(stats.packs_deleted == 1);
  CHECK(stats.bytes_freed >= 4000 + 13 * 500);
  auto packs = pack_names(cache);
  CHECK(packs.size() == 2);
  CHECK(packs.count(mostly_dead) == 0);
  for (const auto& [h, data] : all) {
    CAPTURE(h.str());
    CHECK(store.contains(h) == is_live(h));
    if (is_live(h)) CHECK(store.get_bytes(h) == data);
  }
  NullProgress progress;
  CHECK(store.verify(2, progress).empty());

  // A second gc finds nothing, and the result survives an index rebuild.
  auto again = store.gc(is_live, 0.5, false);
  CHECK(again.objects_removed == 0);
  CHECK(again.packs_rewritten == 0);
  CHECK(store.rebuild_index().objects == 6);
  CHECK(objects_of(store).size() == live.size());
}

TEST_CASE("gc leaves an all-live store alone", "[object_store][gc]") {
  TempDir d;
  ObjectStore store(d / "cache", kThreshold);
  for (uint32_t i = 0; i < 20; ++i) store.put_bytes(random_bytes(i * 100, i));
  store.flush();
  auto before = pack_names(d / "cache");
  auto stats = store.gc([](const Hash&) { return true; }, 0.9, false);
  CHECK(stats.objects_removed == 0);
  CHECK(stats.bytes_freed == 0);
  CHECK(pack_names(d / "cache") == before);
}
