#include <catch2/catch.hpp>
#include <random>
#include <set>

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

void flip_byte(const fs::path& p, uint64_t offset) {
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = read_file(p);
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
  write_file_atomic(p, bytes, 0444);
}

std::vector<ObjectStore::ObjectInfo> objects_of(const ObjectStore& store) {
  std::vector<ObjectStore::ObjectInfo> out;
  store.for_each_object([&](const ObjectStore::ObjectInfo& i) { out.push_back(i); });
  return out;
}

}  // namespace

TEST_CASE("verify finds flipped bytes, quarantine sets them aside", "[object_store][verify]") {
  TempDir d;
  fs::path cache = d / "cache";
  ObjectStore store(cache, kThreshold);
  std::string large = random_bytes(5000, 1), small = random_bytes(200, 2), other = random_bytes(300, 3);
  Hash hl = store.put_bytes(large), hs = store.put_bytes(small), ho = store.put_bytes(other);
  store.flush();
  NullProgress progress;
  CHECK(store.verify(2, progress).empty());

  flip_byte(*store.loose_path(hl), 4000);
  ObjectStore::ObjectInfo packed_small{};
  for (const auto& info : objects_of(store))
    if (info.hash == hs) packed_small = info;
  REQUIRE(packed_small.packed);
  flip_byte(packed_small.location, packed_small.offset + kPackEntryHeaderSize + 10);

  auto corrupt = store.verify(2, progress);
  REQUIRE(corrupt.size() == 2);
  std::set<Hash> bad = {corrupt[0].hash, corrupt[1].hash};
  CHECK(bad == std::set<Hash>{hl, hs});
  // A read that finds a loose object corrupt moves it to quarantine itself;
  // quarantining it again below is then a no-op.
  CHECK_THROWS_MATCHES(store.get_bytes(hl), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::integrity; }));
  CHECK_THROWS_MATCHES(store.get_bytes(hs), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::integrity; }));

  for (const auto& info : corrupt) store.quarantine(info);
  CHECK_FALSE(store.contains(hl));
  CHECK_FALSE(store.contains(hs));
  CHECK(store.get_bytes(ho) == other);
  size_t quarantined = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(cache / "quarantine")) ++quarantined;
  CHECK(quarantined == 2);
  CHECK(store.verify(1, progress).empty());

  // Rebuilding the index re-hashes the packs: the bad entry stays out.
  store.rebuild_index();
  CHECK_FALSE(store.contains(hs));
  CHECK(store.get_bytes(ho) == other);

  // The good bytes can be added again.
  CHECK(store.put_small(hl, large));
  CHECK(store.put_small(hs, small));
  store.flush();
  CHECK(store.get_bytes(hl) == large);
  CHECK(store.get_bytes(hs) == small);
}

