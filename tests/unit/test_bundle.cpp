#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "bundle_fixtures.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "error_code.hpp"
#include "random_bytes.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using namespace mlops::test;
namespace fs = std::filesystem;

namespace {

// Verifies and unpacks `bundle` into `dest`, as a device does.
void unpack(const fs::path& bundle, const std::vector<MinisignPublicKey>& trusted, const fs::path& dest) {
  BundleReader r(bundle);
  r.verify_header(trusted);
  NullProgress p;
  r.read_payload(dest, p);
}

}  // namespace

TEST_CASE("a bundle round-trips its files, hashes and modes", "[bundle]") {
  TempDir d;
  write_tree(d / "model",
             {{"weights.bin", std::string(3 << 20, 'w')}, {"conf/a.yaml", "a: 1\n"}, {"run.sh", "#!/bin/sh\n"}});
  fs::permissions(d / "model/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  SigningKey key = SigningKey::generate();
  CreatedBundle b = make_bundle(d / "model", "churn", "1.2.0", key, d.path());
  CHECK(b.file == d / "churn-1.2.0.mlbundle");
  REQUIRE(b.manifest.files.size() == 3);
  CHECK(b.manifest.files[0].path == "conf/a.yaml");
  CHECK(b.manifest.find("run.sh")->mode == 0755);

  BundleReader r(b.file);
  const BundleHeader& h = r.read_header();
  CHECK(h.manifest.name == "churn");
  CHECK(h.signature.trusted_comment ==
        "mlops-bundle/1 name=churn version=1.2.0 digest=" + hash_bytes(h.manifest_text).str());

  unpack(b.file, {key.public_key()}, d / "out");
  CHECK(read_file(d / "out/weights.bin") == std::string(3 << 20, 'w'));
  CHECK(read_file(d / "out/conf/a.yaml") == "a: 1\n");
  struct stat st {};
  REQUIRE(::stat((d / "out/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  REQUIRE(::stat((d / "out/conf/a.yaml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("the default version is derived from the content", "[bundle]") {
  TempDir d;
  write_tree(d / "m", {{"f", "x"}});
  SigningKey key = SigningKey::generate();
  auto a = make_bundle(d / "m", "m", "", key, d / "");
  auto b = make_bundle(d / "m", "m", "", key, d / "");
  CHECK(a.manifest.version.size() == 12);
  CHECK(a.manifest.version == b.manifest.version);
  write_tree(d / "m", {{"f", "y"}});
  CHECK(make_bundle(d / "m", "m", "", key, d / "").manifest.version != a.manifest.version);
}

TEST_CASE("an untrusted key or an altered bundle is an integrity failure", "[bundle]") {
  TempDir d;
  write_tree(d / "m", {{"model.bin", random_bytes(100000, 1)}});
  SigningKey key = SigningKey::generate();
  auto b = make_bundle(d / "m", "m", "1", key, d.path());
  CHECK(code_of([&] { unpack(b.file, {SigningKey::generate().public_key()}, d / "o1"); }) == Errc::integrity);
  CHECK(code_of([&] { unpack(b.file, {}, d / "o1"); }) == Errc::integrity);
  CHECK_FALSE(fs::exists(d / "o1"));

  SECTION("a flipped payload byte") {
    fs::copy_file(b.file, d / "t.mlbundle");
    // The payload is the last entry; its data ends before the two zero
    // blocks and the padding of the last record.
    std::string data = read_file(d / "t.mlbundle");
    size_t payload = data.find("payload.tar.zst") + 512 + 512;  // pax header + ustar header
    flip_byte(d / "t.mlbundle", static_cast<long>(payload + 200));
    CHECK(code_of([&] { unpack(d / "t.mlbundle", {key.public_key()}, d / "o2"); }) == Errc::integrity);
    CHECK_FALSE(fs::exists(d / "o2"));
  }
  SECTION("a flipped manifest byte") {
    fs::copy_file(b.file, d / "t.mlbundle");
    std::string data = read_file(d / "t.mlbundle");
    flip_byte(d / "t.mlbundle", static_cast<long>(data.find("\"model.bin\"") + 3));
    CHECK(code_of([&] { unpack(d / "t.mlbundle", {key.public_key()}, d / "o3"); }) == Errc::integrity);
  }
}

TEST_CASE("a signature whose trusted comment names another version is refused", "[bundle]") {
  TempDir d;
  SigningKey key = SigningKey::generate();
  write_crafted_bundle(d / "b.mlbundle", key, {{"f", "x"}}, {{"f", "x"}},
                       "mlops-bundle/1 name=crafted version=2 digest=sha256:" + std::string(64, '0'));
  BundleReader r(d / "b.mlbundle");
  CHECK_THROWS_WITH(r.verify_header({key.public_key()}), Catch::Contains("does not match the manifest"));
}

TEST_CASE("payload entries that escape or are not listed are refused, leaving nothing", "[bundle]") {
  TempDir d;
  SigningKey key = SigningKey::generate();
  auto pub = key.public_key();
  const std::vector<std::pair<std::string, std::string>> listed{{"model.bin", "weights"}};
  struct Case {
    const char* what;
    std::vector<CraftedEntry> entries;
    const char* message;
  };
  const std::vector<Case> cases{
      {"dot-dot", {{"model.bin", "weights"}, {"../evil", "x"}}, "'..' segment"},
      {"absolute", {{"/tmp/evil", "x"}}, "absolute"},
      {"symlink", {{"model.bin", "", 0120000, "/etc/passwd"}}, "symbolic link"},
      {"hardlink", {{"model.bin", "", 0100000, "../../etc/passwd", true}}, "hard link"},
      {"directory", {{"sub", "", 0040000}}, "directory"},
      {"unlisted", {{"model.bin", "weights"}, {"extra", "x"}}, "not listed"},
      {"duplicate", {{"model.bin", "weights"}, {"model.bin", "weights"}}, "twice"},
      {"wrong content", {{"model.bin", "weightz"}}, "does not match"},
      {"wrong size", {{"model.bin", "weights!"}}, "has size"},
      {"missing", {}, "missing from the payload"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    fs::path file = d / (std::string(c.what) + ".mlbundle");
    write_crafted_bundle(file, key, listed, c.entries);
    fs::path dest = d / "dest";
    try {
      unpack(file, {pub}, dest);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::integrity);
      CHECK_THAT(e.what(), Catch::Contains(c.message));
    }
    CHECK_FALSE(fs::exists(dest));
    CHECK_FALSE(fs::exists(d / "evil"));
  }
  write_crafted_bundle(d / "good.mlbundle", key, listed, {{"model.bin", "weights"}});
  unpack(d / "good.mlbundle", {pub}, d / "dest");
  CHECK(read_file(d / "dest/model.bin") == "weights");
}

TEST_CASE("manifests with unsafe or malformed fields are refused", "[bundle]") {
  auto parse = [](const std::string& files) {
    return parse_manifest(R"({"format":1,"name":"m","version":"1","created":"x","files":[)" + files + "]}", "m.json");
  };
  std::string h(64, 'a');
  CHECK(parse(R"({"path":"a/b","sha256":")" + h + R"(","size":1,"mode":"0644"})").files.size() == 1);
  for (const char* bad : {"../a", "/a", "a//b", "./a", "a/../b", ""})
    CHECK_THROWS_AS(parse(R"({"path":")" + std::string(bad) + R"(","sha256":")" + h + R"(","size":1,"mode":"0644"})"),
                    Error);
  CHECK_THROWS_WITH(parse(R"({"path":"a","sha256":"zz","size":1,"mode":"0644"})"), Catch::Contains("sha256"));
  CHECK_THROWS_WITH(parse(R"({"path":"a","sha256":")" + h + R"(","size":1,"mode":"4755"})"), Catch::Contains("mode"));
  CHECK_THROWS_WITH(parse(R"({"path":"b","sha256":")" + h + R"(","size":1,"mode":"0644"},{"path":"a","sha256":")" + h +
                          R"(","size":1,"mode":"0644"})"),
                    Catch::Contains("out of order"));
  CHECK_THROWS_WITH(parse_manifest(R"({"format":2})", "m.json"), Catch::Contains("not supported"));
  CHECK_THROWS_WITH(parse_manifest("[]", "m.json"), Catch::Contains("m.json"));
  CHECK_THROWS_WITH(parse_manifest(R"({"format":1,"name":"../x","version":"1","created":"x","files":[]})", "m.json"),
                    Catch::Contains("invalid name"));
}

TEST_CASE("a manifest listing a file and a file below it is refused naming both", "[bundle]") {
  std::string h(64, 'a');
  auto entry = [&](const std::string& path) {
    return R"({"path":")" + path + R"(","sha256":")" + h + R"(","size":1,"mode":"0644"})";
  };
  auto parse = [&](const std::vector<std::string>& paths) {
    std::string files;
    for (const auto& p : paths) files += (files.empty() ? "" : ",") + entry(p);
    return parse_manifest(R"({"format":1,"name":"m","version":"1","created":"x","files":[)" + files + "]}", "m.json");
  };
  CHECK(parse({"a-b", "a.c", "a/b", "ab"}).files.size() == 4);
  using Paths = std::vector<std::string>;
  for (const auto& paths : std::vector<Paths>{{"a", "a/b"}, {"a", "a-x", "a/b/c"}, {"x/a", "x/a/b"}}) {
    try {
      parse(paths);
      FAIL("accepted " << paths.back());
    } catch (const Error& e) {
      CHECK(e.code() == Errc::integrity);
      CHECK_THAT(e.what(), Catch::Contains("m.json") && Catch::Contains("'" + paths.front() + "'") &&
                               Catch::Contains("'" + paths.back() + "'"));
    }
  }
}

TEST_CASE("a file that is not a bundle is refused naming it", "[bundle]") {
  TempDir d;
  write_file_atomic(d / "x.mlbundle", "not a tar at all, but long enough to look for a header in it");
  CHECK_THROWS_WITH(BundleReader(d / "x.mlbundle").read_header(), Catch::Contains("x.mlbundle"));
  CHECK_THROWS_AS(BundleReader(d / "missing.mlbundle"), Error);
}
