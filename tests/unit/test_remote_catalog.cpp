#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "error_code.hpp"
#include "remotes/local_remote.hpp"
#include "remotes/remote_catalog.hpp"
#include "remotes/remote_layout.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A pack on the remote as far as the catalog can tell: the pack's bytes are
// never read, only listed; its index says what it holds.
struct FakePack {
  std::string name;
  std::vector<PackEntry> entries;
};

FakePack fake_pack(const std::string& seed, const std::vector<std::string>& objects) {
  FakePack p{hash_bytes(seed).hex() + ".pack", {}};
  uint64_t offset = 16;
  for (const auto& o : objects) {
    p.entries.push_back({hash_bytes(o), offset, o.size()});
    offset += 41 + o.size();
  }
  return p;
}

void upload(LocalRemote& remote, const FakePack& p) {
  // As long as its entries say: a catalog refuses an index that overruns its pack.
  uint64_t size = p.entries.empty() ? kPackHeaderSize : p.entries.back().offset + 41 + p.entries.back().length;
  REQUIRE(remote.put_bytes(pack_key(p.name), std::string(size, 'p')).ok());
  REQUIRE(remote.put_bytes(index_key(p.name), serialize_index(p.entries)).ok());
}

void check_holds(const RemoteCatalog& catalog, const FakePack& p) {
  for (const auto& e : p.entries) {
    const RemotePacked* found = catalog.find(e.hash);
    REQUIRE(found);
    CHECK(found->hash == e.hash);
    CHECK(catalog.pack_name(found->pack) == p.name);
    CHECK(found->offset == e.offset);
    CHECK(found->length == e.length);
  }
}

}  // namespace

TEST_CASE("the remote catalog finds objects across packs and misses the rest", "[remote_catalog]") {
  TempDir d;
  LocalRemote remote(d / "remote");
  FakePack a = fake_pack("a", {"one", "two", "three"});
  FakePack b = fake_pack("b", {"four", "five"});
  FakePack c = fake_pack("c", {"six"});
  for (const auto* p : {&a, &b, &c}) upload(remote, *p);
  // A pack without its index yet: an upload in progress.
  REQUIRE(remote.put_bytes(pack_key(hash_bytes("unindexed").hex() + ".pack"), "partial").ok());

  RemoteCatalog catalog(remote, d / "catalog");
  CHECK_FALSE(catalog.find(hash_bytes("one")));
  catalog.refresh();
  CHECK(catalog.packs() == 3);
  for (const auto* p : {&a, &b, &c}) check_holds(catalog, *p);
  CHECK(catalog.pack_size(catalog.find(hash_bytes("four"))->pack) == 106);
  CHECK(catalog.pack_size(b.name) == 106);
  CHECK(catalog.pack_size("nonesuch.pack") == 0);
  CHECK_FALSE(catalog.find(hash_bytes("seven")));
  CHECK_FALSE(catalog.find(Hash{}));
  REQUIRE(catalog.unindexed().size() == 1);
  CHECK(catalog.unindexed()[0].key == pack_key(hash_bytes("unindexed").hex() + ".pack"));
  std::vector<std::string> names{a.name, b.name, c.name};
  std::sort(names.begin(), names.end());
  CHECK(catalog.pack_names() == names);
  catalog.refresh();  // nothing new, nothing gone
  for (const auto* p : {&a, &b, &c}) check_holds(catalog, *p);

  SECTION("packs recorded by add are found beside the listed ones") {
    FakePack e = fake_pack("e", {"zero", "eight", "nine"});
    catalog.add(e.name, 777, e.entries, serialize_index(e.entries));
    for (const auto* p : {&a, &b, &c, &e}) check_holds(catalog, *p);
    CHECK(catalog.pack_size(e.name) == 777);
    CHECK(catalog.entries_of(e.name).size() == 3);  // its index is cached
  }
  SECTION("a second catalog reads the cached indexes") {
    RemoteCatalog again(remote, d / "catalog");
    again.refresh();
    for (const auto* p : {&a, &b, &c}) check_holds(again, *p);
  }
}

TEST_CASE("a refresh forgets vanished packs and keeps copies held elsewhere", "[remote_catalog]") {
  TempDir d;
  LocalRemote remote(d / "remote");
  FakePack a = fake_pack("a", {"shared", "only in a"});
  FakePack b = fake_pack("b", {"shared", "only in b"});
  FakePack c = fake_pack("c", {"only in c"});
  for (const auto* p : {&a, &b, &c}) upload(remote, *p);
  RemoteCatalog catalog(remote, d / "catalog");
  catalog.refresh();
  REQUIRE(catalog.find(hash_bytes("shared")));

  // gc removes a pack's index first, then the pack: either way it is gone.
  // Which of two packs holding an object the catalog answers with is its own affair.
  const FakePack& doomed = catalog.pack_name(catalog.find(hash_bytes("shared"))->pack) == a.name ? a : b;
  const FakePack& survivor = &doomed == &a ? b : a;
  REQUIRE(remote.remove(index_key(doomed.name)).ok());
  REQUIRE(remote.remove(index_key(c.name)).ok());
  REQUIRE(remote.remove(pack_key(c.name)).ok());
  catalog.refresh();
  CHECK(catalog.packs() == 1);
  CHECK(catalog.pack_names() == std::vector<std::string>{survivor.name});
  check_holds(catalog, survivor);
  CHECK_FALSE(catalog.find(doomed.entries[0].hash == hash_bytes("shared") ? doomed.entries[1].hash
                                                                          : doomed.entries[0].hash));
  CHECK_FALSE(catalog.find(hash_bytes("only in c")));
  CHECK_FALSE(fs::exists(d / "catalog" / (c.name.substr(0, 64) + ".idx")));
  CHECK_FALSE(fs::exists(d / "catalog" / (doomed.name.substr(0, 64) + ".idx")));
  CHECK(fs::exists(d / "catalog" / (survivor.name.substr(0, 64) + ".idx")));
}

TEST_CASE("a corrupt index fails the refresh naming it; the rest stays findable", "[remote_catalog]") {
  TempDir d;
  LocalRemote remote(d / "remote");
  FakePack good = fake_pack("good", {"kept"});
  upload(remote, good);
  FakePack bad = fake_pack("bad", {"lost"});
  REQUIRE(remote.put_bytes(pack_key(bad.name), "pack").ok());
  REQUIRE(remote.put_bytes(index_key(bad.name), "MLOPSIDX garbage").ok());
  RemoteCatalog catalog(remote, d / "catalog");
  CHECK(test::code_of([&] { catalog.refresh(); }) == Errc::integrity);
  CHECK_THROWS_WITH(catalog.refresh(), Catch::Contains(bad.name.substr(0, 64) + ".idx"));
  if (good.name < bad.name) check_holds(catalog, good);
  CHECK_FALSE(catalog.find(hash_bytes("lost")));
}
