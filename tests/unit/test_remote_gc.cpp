#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "core/atomic_file.hpp"
#include "core/object_store.hpp"
#include "error_code.hpp"
#include "random_bytes.hpp"
#include "remotes/local_remote.hpp"
#include "remotes/remote_decorators.hpp"
#include "remotes/remote_gc.hpp"
#include "remotes/remote_layout.hpp"
#include "remotes/transfer.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::random_bytes;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kThreshold = 1024;

// A local remote holding two pushes: v1 (20 small objects in one pack and a
// large loose one), then v2 (the same shape, in a second pack).
struct Fixture {
  TempDir d;
  ObjectStore store{d / "cache", kThreshold};
  LocalRemote remote{d / "remote"};
  std::map<Hash, std::string> content;
  std::vector<Hash> v1, v2;

  Fixture() {
    push_version(v1, 0);
    push_version(v2, 100);
  }
  void push_version(std::vector<Hash>& out, uint32_t seed) {
    std::vector<TreeRef> roots;
    for (uint32_t i = 0; i < 21; ++i) {
      std::string data = random_bytes(i == 20 ? 5000 : 300, seed + i);
      Hash h = store.put_bytes(data);
      content[h] = data;
      out.push_back(h);
      roots.push_back({EntryKind::file, h, data.size()});
    }
    store.flush();
    RemoteCatalog catalog(remote, d / "catalog");
    Transfer(store, remote, catalog, d / "push", 1, nullptr).push(roots);
  }
  std::set<std::string> keys(const std::string& prefix) {
    std::set<std::string> out;
    auto listed = remote.list(prefix);
    for (const auto& e : listed.value()) out.insert(e.key);
    return out;
  }
  // Fetches `wanted` into a fresh cache: what a new clone would get.
  TransferStats fetch_fresh(const std::vector<Hash>& wanted, const std::string& name) {
    ObjectStore fresh(d / name, kThreshold);
    RemoteCatalog catalog(remote, d / (name + "-catalog"));
    std::vector<TreeRef> roots;
    for (const auto& h : wanted) roots.push_back({EntryKind::file, h, content[h].size()});
    TransferStats s = Transfer(fresh, remote, catalog, d / (name + "-in"), 1, nullptr).fetch(roots);
    for (const auto& h : wanted)
      if (fresh.contains(h)) CHECK(fresh.get_bytes(h) == content[h]);
    return s;
  }
  // How many copies of each object the remote's indexes and loose keys hold.
  std::map<Hash, int> copies() {
    std::map<Hash, int> out;
    RemoteCatalog catalog(remote, d / "count-catalog");
    catalog.refresh();
    for (const auto& p : catalog.pack_names())
      for (const auto& e : catalog.entries_of(p)) out[e.hash]++;
    for (const auto& k : keys("sha256/")) out[*hash_of_loose_key(k)]++;
    return out;
  }
};

// Removals fail after `allowed` of them: a gc killed midway through deleting.
class FailingRemoves final : public ForwardingRemote {
 public:
  FailingRemoves(std::unique_ptr<Remote> inner, int allowed) : ForwardingRemote(std::move(inner)), left_(allowed) {}
  Status remove(const std::string& key) override {
    if (left_-- <= 0) return Failure{FailureKind::permanent, "injected failure removing " + key};
    return ForwardingRemote::remove(key);
  }

 private:
  int left_;
};

RemoteGcOptions options(const fs::path& tmp, bool dry_run = false) {
  RemoteGcOptions o;
  o.dry_run = dry_run;
  o.tmp_dir = tmp;
  return o;
}

}  // namespace

TEST_CASE("remote gc deletes dead loose objects and rewrites mostly dead packs", "[remote_gc]") {
  Fixture f;
  std::set<Hash> live(f.v2.begin(), f.v2.end());
  live.insert(f.v1[0]);
  live.insert(f.v1[1]);
  auto is_live = [&](const Hash& h) { return live.count(h) > 0; };
  REQUIRE(f.keys("packs/").size() == 4);

  SECTION("a dry run counts and changes nothing") {
    auto before = f.keys("");
    RemoteCatalog catalog(f.remote, f.d / "catalog");
    RemoteGcStats s = gc_remote(f.remote, catalog, is_live, options(f.d / "tmp", true));
    CHECK(s.loose_removed == 1);
    CHECK(s.packs_rewritten == 1);
    CHECK(s.objects_removed == 19);
    CHECK(s.bytes_freed > 5000 + 18 * 300);
    CHECK(f.keys("") == before);
  }

  SECTION("the live objects survive, byte-exact; the dead are gone") {
    RemoteCatalog catalog(f.remote, f.d / "catalog");
    RemoteGcStats s = gc_remote(f.remote, catalog, is_live, options(f.d / "tmp"));
    CHECK(s.loose_removed == 1);
    CHECK(s.packs_rewritten == 1);
    CHECK(s.packs_deleted == 0);
    CHECK(s.packs_written == 1);
    CHECK(s.objects_moved == 2);
    CHECK(s.objects_removed == 19);
    CHECK(f.keys("packs/").size() == 4);  // pack v2 and the new one, with indexes
    CHECK(f.keys("sha256/").size() == 1);
    std::vector<Hash> wanted(live.begin(), live.end());
    CHECK(f.fetch_fresh(wanted, "clone").missing.empty());
    std::vector<Hash> dead(f.v1.begin() + 2, f.v1.end());
    CHECK(f.fetch_fresh(dead, "dead").missing.size() == dead.size());
    for (const auto& [h, n] : f.copies()) CHECK((n == 1 && live.count(h)));
    CHECK(catalog.packs() == 2);
    // A second gc has nothing left to do.
    RemoteGcStats again = gc_remote(f.remote, catalog, is_live, options(f.d / "tmp"));
    CHECK(again.objects_removed == 0);
    CHECK(again.packs_written == 0);
  }

  SECTION("a pack with nothing live is deleted, index first") {
    live.erase(f.v1[0]);
    live.erase(f.v1[1]);
    RemoteCatalog catalog(f.remote, f.d / "catalog");
    RemoteGcStats s = gc_remote(f.remote, catalog, is_live, options(f.d / "tmp"));
    CHECK(s.packs_deleted == 1);
    CHECK(s.packs_written == 0);
    CHECK(f.keys("packs/").size() == 2);
  }
}

TEST_CASE("a remote gc killed while deleting loses nothing live and the next gc finishes", "[remote_gc]") {
  Fixture f;
  std::set<Hash> live(f.v2.begin(), f.v2.end());
  live.insert(f.v1[3]);
  auto is_live = [&](const Hash& h) { return live.count(h) > 0; };
  int allowed = GENERATE(0, 1);  // before any removal; between an old index and its pack
  {
    FailingRemoves failing(std::make_unique<LocalRemote>(f.d / "remote"), allowed);
    RemoteCatalog catalog(failing, f.d / "catalog");
    CHECK(test::code_of([&] { gc_remote(failing, catalog, is_live, options(f.d / "tmp")); }) == Errc::remote);
  }
  std::vector<Hash> wanted(live.begin(), live.end());
  CHECK(f.fetch_fresh(wanted, "after-crash").missing.empty());

  RemoteCatalog catalog(f.remote, f.d / "catalog");
  RemoteGcStats s = gc_remote(f.remote, catalog, is_live, options(f.d / "tmp"));
  CHECK(s.packs_written == 0);  // the live objects were already copied
  CHECK(s.packs_deleted + s.unindexed_packs == 1);
  CHECK(s.unindexed_packs == static_cast<uint64_t>(allowed));
  CHECK(s.loose_removed == 1);
  for (const auto& [h, n] : f.copies()) CHECK((n == 1 && live.count(h)));
  CHECK(f.fetch_fresh(wanted, "clone").missing.empty());
}

TEST_CASE("read_remote_object reads packed and loose objects and re-hashes them", "[remote_gc]") {
  Fixture f;
  RemoteCatalog catalog(f.remote, f.d / "catalog");
  catalog.refresh();
  CHECK(read_remote_object(f.remote, catalog, f.v1[4]) == f.content[f.v1[4]]);
  CHECK(read_remote_object(f.remote, catalog, f.v1[20]) == f.content[f.v1[20]]);
  CHECK_FALSE(read_remote_object(f.remote, catalog, hash_bytes("absent")));
  fs::path loose = f.d / "remote" / loose_key(f.v2[20]);
  fs::permissions(loose, fs::perms::owner_write, fs::perm_options::add);
  write_file_atomic(loose, "tampered");
  CHECK(test::code_of([&] { read_remote_object(f.remote, catalog, f.v2[20]); }) == Errc::integrity);
}
