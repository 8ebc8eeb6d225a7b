// One suite that every remote backend must pass (STYLE §2, restic's
// backend tests). It runs against the remote named by the environment:
//   MLOPS_TEST_REMOTE_URL      the remote's URL (a fresh, empty prefix)
//   MLOPS_TEST_REMOTE_OPTIONS  its settings, "key=value" lines (remote.<name>.<key>)
// tests/remotes/run_*.sh start the real server, set these and run this binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/digest.hpp"
#include "core/text.hpp"
#include "remotes/remote_factory.hpp"
#include "remotes/remote_layout.hpp"
#include "../unit/temp_dir.hpp"

using namespace mlops;
namespace fs = std::filesystem;

namespace {

RemoteSpec spec_from_env() {
  const char* url = std::getenv("MLOPS_TEST_REMOTE_URL");
  if (!url) FAIL("MLOPS_TEST_REMOTE_URL is not set");
  RemoteSpec spec;
  spec.name = "conformance";
  spec.url = parse_remote_url(url);
  if (const char* opts = std::getenv("MLOPS_TEST_REMOTE_OPTIONS"))
    for (const auto& line : split(opts, '\n'))
      if (auto eq = line.find('='); eq != std::string::npos) spec.options[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  return spec;
}

std::unique_ptr<Remote> open_test_remote() { return open_remote(spec_from_env()); }

std::string random_bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

// Keys unique to one test case, so cases do not see each other's objects.
std::string key(const std::string& test, const std::string& name) { return "conformance/" + test + "/" + name; }

template <class T>
const T& must(const Result<T>& r) {
  INFO((r.ok() ? "" : r.failure().message));
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("put then get returns the same bytes", "[remote]") {
  auto r = open_test_remote();
  std::string data = random_bytes(70000, 1);
  must(r->put_bytes(key("roundtrip", "a/b/c"), data));
  CHECK(must(r->get_bytes(key("roundtrip", "a/b/c"))) == data);
  must(r->put_bytes(key("roundtrip", "empty"), ""));
  CHECK(must(r->get_bytes(key("roundtrip", "empty"))).empty());
}

TEST_CASE("writing an existing key is success and keeps its bytes", "[remote]") {
  auto r = open_test_remote();
  std::string data = random_bytes(1000, 2);
  must(r->put_bytes(key("twice", "k"), data));
  must(r->put_bytes(key("twice", "k"), data));
  CHECK(must(r->get_bytes(key("twice", "k"))) == data);
}

TEST_CASE("missing keys are not_found, not errors of another kind", "[remote]") {
  auto r = open_test_remote();
  auto got = r->get_bytes(key("missing", "nope"));
  REQUIRE_FALSE(got.ok());
  CHECK(got.failure().kind == FailureKind::not_found);
  CHECK_THAT(got.failure().message, Catch::Contains("nope"));
}

TEST_CASE("exists answers a batch in order", "[remote]") {
  auto r = open_test_remote();
  must(r->put_bytes(key("exists", "one"), "1"));
  must(r->put_bytes(key("exists", "three"), "3"));
  auto e = must(r->exists({key("exists", "one"), key("exists", "two"), key("exists", "three")}));
  CHECK(e == std::vector<bool>{true, false, true});
  CHECK(must(r->exists({})).empty());
}

TEST_CASE("ranges read part of a key", "[remote]") {
  auto r = open_test_remote();
  std::string data = random_bytes(100000, 3);
  must(r->put_bytes(key("range", "k"), data));
  CHECK(must(r->get_bytes(key("range", "k"), ByteRange{5000, 1234})) == data.substr(5000, 1234));
  CHECK(must(r->get_bytes(key("range", "k"), ByteRange{99999, 1})) == data.substr(99999, 1));
}

TEST_CASE("list returns keys below a prefix with sizes", "[remote]") {
  auto r = open_test_remote();
  must(r->put_bytes(key("list", "x/1"), "a"));
  must(r->put_bytes(key("list", "x/2"), "bb"));
  must(r->put_bytes(key("list", "x/deeper/3"), "ccc"));
  must(r->put_bytes(key("list", "y/4"), "dddd"));
  auto entries = must(r->list(key("list", "x/")));
  std::map<std::string, uint64_t> got;
  for (const auto& e : entries) got[e.key] = e.size;
  CHECK(got == std::map<std::string, uint64_t>{{key("list", "x/1"), 1}, {key("list", "x/2"), 2},
                                               {key("list", "x/deeper/3"), 3}});
  CHECK(must(r->list(key("list", "absent/"))).empty());
}

TEST_CASE("files stream up and down, and downloads resume", "[remote]") {
  auto r = open_test_remote();
  mlops::test::TempDir d;
  std::string data = random_bytes(6 << 20, 4);
  write_file_atomic(d / "up", data);
  must(r->put_file(key("files", "big"), d / "up"));
  must(r->get_file(key("files", "big"), d / "down", 0));
  CHECK(read_file(d / "down") == data);
  // A partial download: the first 1 MiB is there; the rest is fetched.
  write_file_atomic(d / "partial", data.substr(0, 1 << 20));
  must(r->get_file(key("files", "big"), d / "partial", 1 << 20));
  CHECK(read_file(d / "partial") == data);
  auto sizes = must(r->list(key("files", "")));
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0].size == data.size());
}

TEST_CASE("remove deletes; removing twice is fine", "[remote]") {
  auto r = open_test_remote();
  must(r->put_bytes(key("remove", "k"), "x"));
  must(r->remove(key("remove", "k")));
  CHECK(must(r->exists({key("remove", "k")})) == std::vector<bool>{false});
  must(r->remove(key("remove", "k")));
}

TEST_CASE("concurrent writers and readers", "[remote]") {
  auto r = open_test_remote();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string k = key("concurrent", std::to_string(t) + "/" + std::to_string(i));
        std::string data = random_bytes(1000 + i, static_cast<unsigned>(t * 100 + i));
        if (!r->put_bytes(k, data).ok()) failures++;
        auto back = r->get_bytes(k);
        if (!back.ok() || back.value() != data) failures++;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(must(r->list(key("concurrent", ""))).size() == 40);
}

TEST_CASE("object layout keys round-trip", "[remote]") {
  Hash h = hash_bytes("x");
  CHECK(hash_of_loose_key(loose_key(h)) == h);
  CHECK_FALSE(hash_of_loose_key("packs/abc.pack"));
}

// Hidden: a run_<protocol>.sh runs it (filter "[auth]") against a server the
// client must not trust (host key unknown or changed, user key refused). The
// first request fails as `auth`, and the message names the host.
TEST_CASE("an untrusted server or refused login is an auth failure", "[.][auth]") {
  RemoteSpec spec = spec_from_env();
  auto r = open_remote(spec);
  auto got = r->exists({key("auth", "k")});
  REQUIRE_FALSE(got.ok());
  CHECK(got.failure().kind == FailureKind::auth);
  CHECK_THAT(got.failure().message, Catch::Contains(spec.url.host));
}

// Hidden: a run_<protocol>.sh runs it (filter "[expect_failure]") against a
// remote that must refuse us: MLOPS_TEST_EXPECT_FAILURE is the kind ("auth",
// "permanent"), MLOPS_TEST_EXPECT_MESSAGE (optional) a text the message must
// hold. The first request and a listing both fail so (or, with
// MLOPS_TEST_EXPECT_FAILURE_ON=put, an upload), naming the remote and never
// showing a secret of its settings.
TEST_CASE("a refusing remote fails as expected, naming the remote", "[.][expect_failure]") {
  RemoteSpec spec = spec_from_env();
  const char* kind = std::getenv("MLOPS_TEST_EXPECT_FAILURE");
  const char* text = std::getenv("MLOPS_TEST_EXPECT_MESSAGE");
  REQUIRE(kind);
  auto r = open_remote(spec);
  auto check = [&](const Failure& f) {
    INFO(f.message);
    CHECK(failure_kind_name(f.kind) == kind);
    CHECK_THAT(f.message, Catch::Contains("'" + spec.name + "'"));
    if (text) CHECK_THAT(f.message, Catch::Contains(text));
    for (const char* secret : {"password", "token", "secret_access_key", "session_token"})
      if (std::string v = spec.option(secret); !v.empty()) CHECK(f.message.find(v) == std::string::npos);  // prints no secret
  };
  if (const char* on = std::getenv("MLOPS_TEST_EXPECT_FAILURE_ON"); on && std::string(on) == "put") {
    auto p = r->put_bytes(key("refused", "k"), "x");  // a server that only reads
    REQUIRE_FALSE(p.ok());
    check(p.failure());
    return;
  }
  auto e = r->exists({key("refused", "k")});
  REQUIRE_FALSE(e.ok());
  check(e.failure());
  auto l = r->list(key("refused", ""));
  REQUIRE_FALSE(l.ok());
  check(l.failure());
}

// Hidden (filter "[large]"): a file big enough for a backend's large-upload
// path (S3 multipart from 64 MiB, 8 MiB parts), not a multiple of a part.
TEST_CASE("a large file streams up and down whole", "[.][large]") {
  auto r = open_test_remote();
  mlops::test::TempDir d;
  const size_t size = (72u << 20) + 12345;
  std::string data = random_bytes(size, 9);
  write_file_atomic(d / "up", data);
  must(r->put_file(key("large", "big"), d / "up"));
  must(r->get_file(key("large", "big"), d / "down", 0));
  CHECK(hash_bytes(read_file(d / "down")) == hash_bytes(data));
  const size_t boundary = 8u << 20;  // between the first two parts
  CHECK(must(r->get_bytes(key("large", "big"), ByteRange{boundary - 10, 20})) == data.substr(boundary - 10, 20));
  auto entries = must(r->list(key("large", "")));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].size == size);
  must(r->remove(key("large", "big")));
}

// Hidden (filter "[many]"): more keys than one page of a listing (S3 gives
// 1,000 a page, then a continuation token).
TEST_CASE("a listing longer than one page", "[.][many]") {
  auto r = open_test_remote();
  constexpr int kKeys = 1100, kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += kThreads)
        if (!r->put_bytes(key("many", std::to_string(i)), std::string(static_cast<size_t>(i % 7), 'x')).ok()) failures++;
    });
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);
  std::map<std::string, uint64_t> got;
  auto entries = must(r->list(key("many", "")));
  for (const auto& e : entries) got[e.key] = e.size;
  REQUIRE(got.size() == kKeys);
  for (int i = 0; i < kKeys; i += 97) CHECK(got[key("many", std::to_string(i))] == static_cast<uint64_t>(i % 7));
}
