#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/pack_file.hpp"
#include "core/unique_fd.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

fs::path fixture_dir() { return fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "pack-v1"; }

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

void flip_byte(const fs::path& p, uint64_t offset) {
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  std::string bytes = read_file(p);
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x40);
  write_file_atomic(p, bytes);
}

// The objects in tests/fixtures/pack-v1, in pack order.
const std::vector<std::string>& fixture_objects() {
  static const std::vector<std::string> objects = {"hello, mlops\n", "", std::string(300, 'z')};
  return objects;
}

}  // namespace

TEST_CASE("a published pack is named by its entry headers and scans back", "[pack_file]") {
  TempDir d;
  std::vector<std::string> objects = {"one", "two two", std::string(10 << 20, 'x'), ""};
  std::string name;
  std::vector<PackEntry> entries;
  {
    PackWriter w(d.path());
    for (const auto& o : objects) w.append(hash_bytes(o), o);
    entries = w.entries();
    name = w.publish();
  }
  CHECK(is_pack_name(name));
  CHECK(count_files(d.path()) == 1);
  std::string bytes = read_file(d / name);
  // The name is the SHA-256 of the pack header and every entry header: the
  // payloads are bound to those by their hashes.
  std::string headers = bytes.substr(0, kPackHeaderSize);
  for (const auto& e : entries) headers += bytes.substr(e.offset, kPackEntryHeaderSize);
  CHECK(name == hash_bytes(headers).hex() + ".pack");
  CHECK(bytes.substr(0, 8) == "MLOPSPCK");

  PackScan scan = scan_pack(d / name);
  CHECK_FALSE(scan.truncated);
  CHECK(scan.bad.empty());
  CHECK(scan.size == bytes.size());
  REQUIRE(scan.good.size() == objects.size());
  UniqueFd fd = open_read(d / name);
  for (size_t i = 0; i < objects.size(); ++i) {
    CHECK(scan.good[i].hash == entries[i].hash);
    CHECK(scan.good[i].offset == entries[i].offset);
    CHECK(read_pack_entry(fd.get(), d / name, entries[i].offset, entries[i].length, entries[i].hash) == objects[i]);
  }
}

TEST_CASE("an unpublished pack leaves no file behind", "[pack_file]") {
  TempDir d;
  {
    PackWriter w(d.path());
    w.append(hash_bytes("a"), "a");
    w.flush_buffer();
    CHECK(fs::exists(w.temp_path()));
  }
  CHECK(count_files(d.path()) == 0);
}

TEST_CASE("reading a pack entry checks the header and the payload", "[pack_file]") {
  TempDir d;
  PackWriter w(d.path());
  uint64_t a = w.append(hash_bytes("alpha"), "alpha");
  uint64_t b = w.append(hash_bytes("beta"), "beta");
  std::string name = w.publish();
  fs::path pack = d / name;
  {
    UniqueFd fd = open_read(pack);
    // Asking for the wrong object at an offset is caught by the header.
    CHECK_THROWS_MATCHES(read_pack_entry(fd.get(), pack, a, 4, hash_bytes("beta")), Error,
                         Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::integrity; }));
    // An offset past the end is reported, not read.
    CHECK_THROWS_AS(read_pack_entry(fd.get(), pack, b + 1000, 4, hash_bytes("beta")), Error);
  }
  flip_byte(pack, b + kPackEntryHeaderSize + 1);
  UniqueFd fd = open_read(pack);
  CHECK(read_pack_entry(fd.get(), pack, a, 5, hash_bytes("alpha")) == "alpha");
  try {
    read_pack_entry(fd.get(), pack, b, 4, hash_bytes("beta"));
    FAIL("corrupt payload was returned");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::integrity);
    CHECK(std::string(e.what()).find(hash_bytes("beta").str()) != std::string::npos);
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }
  PackScan scan = scan_pack(pack);
  REQUIRE(scan.good.size() == 1);
  CHECK(scan.good[0].hash == hash_bytes("alpha"));
  REQUIRE(scan.bad.size() == 1);
  CHECK(scan.bad[0].hash == hash_bytes("beta"));
}

TEST_CASE("scanning a cut-off or foreign pack", "[pack_file]") {
  TempDir d;
  PackWriter w(d.path());
  w.append(hash_bytes("alpha"), "alpha");
  w.append(hash_bytes("gamma"), "gamma");
  std::string bytes = read_file(d / w.publish());

  write_file_atomic(d / "cut.pack", bytes.substr(0, bytes.size() - 2));
  PackScan scan = scan_pack(d / "cut.pack");
  CHECK(scan.truncated);
  CHECK(scan.good.size() == 1);

  write_file_atomic(d / "foreign.pack", "PK\3\4 not a pack at all");
  CHECK_THROWS_WITH(scan_pack(d / "foreign.pack"), Catch::Contains("foreign.pack") && Catch::Contains("not an mlops pack"));

  std::string v2 = bytes;
  v2[8] = 2;
  write_file_atomic(d / "v2.pack", v2);
  CHECK_THROWS_WITH(scan_pack(d / "v2.pack"), Catch::Contains("version 2"));
}

TEST_CASE("pack names", "[pack_file]") {
  std::string hex = hash_bytes("x").hex();
  CHECK(is_pack_name(hex + ".pack"));
  CHECK_FALSE(is_pack_name(hex + ".idx"));
  CHECK_FALSE(is_pack_name(hex.substr(1) + ".pack"));
  CHECK_FALSE(is_pack_name(".incoming.pack.tmp.abcdef"));
  CHECK_FALSE(is_pack_name("index.sqlite"));
}

// tests/fixtures/pack-v1 holds a pack written by the first version of
// PackWriter; readers must keep reading it. MLOPS_WRITE_FIXTURES=1 rewrites it
// (only when the format version changes: add a pack-vN directory instead).
TEST_CASE("the version-1 pack fixture still reads", "[pack_file][fixture]") {
  const auto& objects = fixture_objects();
  if (const char* w = std::getenv("MLOPS_WRITE_FIXTURES"); w && std::string(w) == "1") {
    fs::create_directories(fixture_dir());
    PackWriter writer(fixture_dir());
    for (const auto& o : objects) writer.append(hash_bytes(o), o);
    writer.publish();
  }
  std::vector<fs::path> packs;
  for (auto& e : fs::directory_iterator(fixture_dir()))
    if (is_pack_name(e.path().filename().string())) packs.push_back(e.path());
  REQUIRE(packs.size() == 1);
  CHECK(packs[0].filename().string() == "f71650bc570a4724a99f25ca77d80ea0ab3feea4e3443ad9b095f9922cb5f7f9.pack");
  PackScan scan = scan_pack(packs[0]);
  REQUIRE(scan.good.size() == objects.size());
  CHECK(scan.bad.empty());
  CHECK_FALSE(scan.truncated);
  UniqueFd fd = open_read(packs[0]);
  for (size_t i = 0; i < objects.size(); ++i)
    CHECK(read_pack_entry(fd.get(), packs[0], scan.good[i].offset, scan.good[i].length, hash_bytes(objects[i])) ==
          objects[i]);
  CHECK(scan.good[0].offset == kPackHeaderSize);
  CHECK(scan.size == kPackHeaderSize + 3 * kPackEntryHeaderSize + 13 + 0 + 300);
}

TEST_CASE("an entry is read only inside the pack's real size", "[pack_file]") {
  TempDir d;
  PackWriter w(d.path());
  uint64_t a = w.append(hash_bytes("alpha"), "alpha");
  fs::path pack = d / w.publish();
  uint64_t size = fs::file_size(pack);
  CHECK(entry_in_pack(a, 5, size));
  CHECK_FALSE(entry_in_pack(a, 6, size));
  CHECK_FALSE(entry_in_pack(0, 0, size));  // inside the pack header
  CHECK_FALSE(entry_in_pack(size, 0, size));
  CHECK_FALSE(entry_in_pack(static_cast<uint64_t>(-100), 5, size));
  CHECK_FALSE(entry_in_pack(a, uint64_t{1000000000000000}, size));
  CHECK_FALSE(entry_in_pack(a, UINT64_MAX, size));  // no wrap-around
  UniqueFd fd = open_read(pack);
  // What a damaged index row may claim: an integrity error naming the pack,
  // found before anything is allocated (1e15 bytes would be bad_alloc).
  auto integrity = Catch::Predicate<Error>([](const Error& e) { return e.code() == Errc::integrity; });
  CHECK_THROWS_MATCHES(read_pack_entry(fd.get(), pack, a, uint64_t{1000000000000000}, hash_bytes("alpha")), Error,
                       integrity);
  CHECK_THROWS_MATCHES(read_pack_entry(fd.get(), pack, static_cast<uint64_t>(-100), 5, hash_bytes("alpha")), Error,
                       integrity);
  CHECK_THROWS_WITH(read_pack_entry(fd.get(), pack, a, UINT64_MAX, hash_bytes("alpha")),
                    Catch::Contains("outside the pack") && Catch::Contains(pack.filename().string()));
  CHECK(read_pack_entry(fd.get(), pack, a, 5, hash_bytes("alpha")) == "alpha");
}

TEST_CASE("a pack with a damaged header is salvaged entry by entry", "[pack_file]") {
  TempDir d;
  PackWriter w(d.path());
  w.append(hash_bytes("alpha"), "alpha");
  w.append(hash_bytes("beta"), "beta");
  fs::path pack = d / w.publish();
  flip_byte(pack, 0);
  CHECK_THROWS_WITH(scan_pack(pack), Catch::Contains("bad magic"));
  CHECK_THROWS_WITH(check_pack_header(pack), Catch::Contains("bad magic"));
  PackScan scan = scan_pack(pack, true);
  CHECK(scan.bad_header);
  CHECK_FALSE(scan.intact());
  CHECK(scan.good.size() == 2);
  CHECK(scan.bad.empty());
}

TEST_CASE("an index of raw entries can be checked against its pack's name", "[pack_file]") {
  TempDir d;
  PackWriter w(d.path());
  w.append(hash_bytes("alpha"), "alpha");
  w.append(hash_bytes("beta"), "beta");
  std::vector<PackEntry> entries = w.entries();
  std::string name = w.publish();
  std::reverse(entries.begin(), entries.end());  // in any order
  CHECK(raw_pack_name(entries) == name);
  entries[0].hash.bytes[5] ^= 1;
  CHECK(raw_pack_name(entries) != name);
}
