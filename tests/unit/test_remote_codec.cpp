#include <catch2/catch.hpp>
#include <cstdlib>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "core/pack_file.hpp"
#include "core/unique_fd.hpp"
#include "core/zstd_codec.hpp"
#include "error_code.hpp"
#include "random_bytes.hpp"
#include "remotes/remote_codec.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::code_of;
using mlops::test::random_bytes;
using mlops::test::compressible_text;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

RemoteSpec spec_with(const std::string& compress) {
  RemoteSpec s;
  s.name = "store";
  if (!compress.empty()) s.options["compress"] = compress;
  return s;
}

// A pack of `objects`, each encoded as a remote with compression at `level` would.
fs::path write_pack(const fs::path& dir, const std::vector<std::string>& objects, int level) {
  fs::create_directories(dir);
  PackWriter w(dir);
  for (const auto& o : objects) {
    EncodedEntry e = encode_entry(o, level);
    w.append(hash_bytes(o), e.payload, e.encoding);
  }
  return dir / w.publish();
}

size_t encoded_entries_in_packs(const fs::path& cache) {
  size_t n = 0;
  for (auto& e : fs::directory_iterator(cache / "packs"))
    if (is_pack_name(e.path().filename().string())) n += scan_pack(e.path()).encoded;
  return n;
}

fs::path fixture_dir() { return fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "remote-zstd-v1"; }

}  // namespace

TEST_CASE("remote.NAME.compress gives a zstd level", "[remote_codec]") {
  CHECK(compress_level(spec_with("")) == 0);
  CHECK(compress_level(spec_with("false")) == 0);
  CHECK(compress_level(spec_with("true")) == kDefaultZstdLevel);
  CHECK(compress_level(spec_with("19")) == 19);
  CHECK(code_of([] { compress_level(spec_with("20")); }) == Errc::usage);
  CHECK_THROWS_WITH(compress_level(spec_with("fast")), Catch::Contains("remote.store.compress"));
}

TEST_CASE("pack entries are compressed only when that shrinks them", "[remote_codec]") {
  std::string t = compressible_text(20000), r = random_bytes(20000, 7);
  CHECK(encode_entry(t, 3).encoding == kEncodingZstd);
  CHECK(encode_entry(t, 3).payload.size() < t.size() / 4);
  CHECK(encode_entry(r, 3).encoding == kEncodingRaw);
  CHECK(encode_entry(r, 3).payload == r);
  CHECK(encode_entry(t, 0).encoding == kEncodingRaw);
  CHECK(encode_entry("", 3).encoding == kEncodingRaw);
}

TEST_CASE("a mixed pack reads back and enters the cache plain", "[remote_codec]") {
  TempDir d;
  std::vector<std::string> objects = {compressible_text(5000), random_bytes(3000, 1), "", compressible_text(70000, 5)};
  fs::path pack = write_pack(d / "remote", objects, 3);
  PackScan scan = scan_pack(pack);
  REQUIRE(scan.good.size() == 4);
  CHECK(scan.bad.empty());
  CHECK(scan.encoded == 2);
  UniqueFd fd = open_read(pack);
  std::string bytes = read_file(pack);
  for (size_t i = 0; i < objects.size(); ++i) {
    const PackEntry& e = scan.good[i];
    CHECK(read_pack_entry(fd.get(), pack, e.offset, e.length, hash_bytes(objects[i])) == objects[i]);
    // A byte range of a remote pack: header and payload.
    CHECK(decode_pack_entry(bytes.substr(e.offset, kPackEntryHeaderSize + e.length), hash_bytes(objects[i]), "range") ==
          objects[i]);
  }

  ObjectStore store(d / "cache", 1024);
  fs::copy_file(pack, d / "incoming.part");
  CHECK(store.adopt_pack(d / "incoming.part", pack.filename().string(), "remote pack") == 4);
  store.flush();
  CHECK_FALSE(fs::exists(d / "incoming.part"));
  for (const auto& o : objects) CHECK(store.get_bytes(hash_bytes(o)) == o);
  CHECK(encoded_entries_in_packs(d / "cache") == 0);
}

TEST_CASE("a corrupt compressed pack entry is refused", "[remote_codec]") {
  TempDir d;
  std::string t = compressible_text(50000);
  fs::path pack = write_pack(d / "remote", {t}, 3);
  PackScan scan = scan_pack(pack);
  REQUIRE(scan.encoded == 1);
  std::string bytes = read_file(pack);
  const PackEntry& e = scan.good[0];
  bytes[e.offset + kPackEntryHeaderSize + e.length / 2] ^= 0x21;
  CHECK_THROWS_WITH(decode_pack_entry(bytes.substr(e.offset), hash_bytes(t), "remote pack"),
                    Catch::Contains("corrupt") && Catch::Contains(hash_bytes(t).str()));
  CHECK(code_of([&] { decode_pack_entry(bytes.substr(e.offset), hash_bytes(t), "remote pack"); }) == Errc::integrity);

  write_file_atomic(d / "bad.part", bytes);
  ObjectStore store(d / "cache", 1024);
  CHECK(code_of([&] { store.adopt_pack(d / "bad.part", pack.filename().string(), "remote pack"); }) == Errc::integrity);
  CHECK_FALSE(store.contains(hash_bytes(t)));
  CHECK_FALSE(fs::exists(d / "bad.part"));
}

TEST_CASE("large objects: compressed when they shrink, decoded on the way in", "[remote_codec]") {
  TempDir d;
  fs::create_directories(d / "tmp");
  std::string t = compressible_text(3 << 20), r = random_bytes(2 << 20, 9);
  write_file_atomic(d / "text", t);
  write_file_atomic(d / "random", r);
  CHECK(compress_loose(d / "random", d / "tmp", 3) == nullptr);
  auto copy = compress_loose(d / "text", d / "tmp", 3);
  REQUIRE(copy);
  std::string stored = read_file(copy->path());
  CHECK(stored.substr(0, 8) == kCompressedLooseMagic);
  CHECK(stored.size() < t.size() / 10);
  fs::path tmp_file = copy->path();
  copy.reset();
  CHECK_FALSE(fs::exists(tmp_file));

  ObjectStore store(d / "cache", 1024);
  write_file_atomic(d / "ok.part", stored);
  adopt_loose(store, d / "ok.part", hash_bytes(t), "remote");
  CHECK(store.get_bytes(hash_bytes(t)) == t);
  CHECK_FALSE(fs::exists(d / "ok.part"));
  CHECK_FALSE(fs::exists(d / "ok.part.plain"));

  // A raw object is taken as it is.
  write_file_atomic(d / "raw.part", r);
  adopt_loose(store, d / "raw.part", hash_bytes(r), "remote");
  CHECK(store.get_bytes(hash_bytes(r)) == r);
}

TEST_CASE("a corrupt compressed large object is refused and nothing kept", "[remote_codec]") {
  TempDir d;
  fs::create_directories(d / "tmp");
  std::string t = compressible_text(2 << 20, 3);
  write_file_atomic(d / "text", t);
  auto copy = compress_loose(d / "text", d / "tmp", 3);
  REQUIRE(copy);
  std::string stored = read_file(copy->path());
  stored[stored.size() / 2] ^= 0x10;
  write_file_atomic(d / "bad.part", stored);
  ObjectStore store(d / "cache", 1024);
  CHECK_THROWS_WITH(adopt_loose(store, d / "bad.part", hash_bytes(t), "remote"),
                    Catch::Contains("remote") && Catch::Contains(hash_bytes(t).str()));
  write_file_atomic(d / "bad.part", stored);
  CHECK(code_of([&] { adopt_loose(store, d / "bad.part", hash_bytes(t), "remote"); }) == Errc::integrity);
  CHECK_FALSE(store.contains(hash_bytes(t)));
  CHECK_FALSE(fs::exists(d / "bad.part"));
  CHECK_FALSE(fs::exists(d / "bad.part.plain"));
  CHECK_FALSE(fs::exists(store.loose_path(hash_bytes(t)).value_or(d / "none")));
}

TEST_CASE("a raw object that starts with the compressed marker is still read", "[remote_codec]") {
  TempDir d;
  // Say, a tracked copy of a compressed object: marker, then valid zstd frames.
  std::string tricky = std::string(kCompressedLooseMagic) + zstd_compress(compressible_text(4 << 20), 3);
  write_file_atomic(d / "tricky.part", tricky);
  ObjectStore store(d / "cache", 1024);
  adopt_loose(store, d / "tricky.part", hash_bytes(tricky), "remote");
  CHECK(store.get_bytes(hash_bytes(tricky)) == tricky);
}

// tests/fixtures/remote-zstd-v1 holds what the first compressing mlops wrote
// to a remote: a mixed pack and a compressed loose object. Readers must keep
// reading them. MLOPS_WRITE_FIXTURES=1 writes them (once; never after a change).
TEST_CASE("the compressed remote fixtures still read", "[remote_codec][fixture]") {
  std::vector<std::string> packed = {"hello, mlops\n", compressible_text(4000, 1), ""};
  std::string large = compressible_text(2 << 20, 2);
  if (const char* w = std::getenv("MLOPS_WRITE_FIXTURES"); w && std::string(w) == "1") {
    write_pack(fixture_dir(), packed, 3);
    TempDir d;
    write_file_atomic(d / "large", large);
    auto copy = compress_loose(d / "large", d.path(), 3);
    REQUIRE(copy);
    fs::copy_file(copy->path(), fixture_dir() / "large.zloose", fs::copy_options::overwrite_existing);
  }
  std::vector<fs::path> packs;
  for (auto& e : fs::directory_iterator(fixture_dir()))
    if (is_pack_name(e.path().filename().string())) packs.push_back(e.path());
  REQUIRE(packs.size() == 1);
  PackScan scan = scan_pack(packs[0]);
  REQUIRE(scan.good.size() == packed.size());
  CHECK(scan.encoded == 1);
  UniqueFd fd = open_read(packs[0]);
  for (size_t i = 0; i < packed.size(); ++i)
    CHECK(read_pack_entry(fd.get(), packs[0], scan.good[i].offset, scan.good[i].length, hash_bytes(packed[i])) ==
          packed[i]);

  TempDir d;
  fs::copy_file(fixture_dir() / "large.zloose", d / "large.part");
  ObjectStore store(d / "cache", 1024);
  adopt_loose(store, d / "large.part", hash_bytes(large), "fixture");
  CHECK(store.get_bytes(hash_bytes(large)) == large);
}
