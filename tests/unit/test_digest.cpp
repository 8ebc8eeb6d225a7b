#include <catch2/catch.hpp>
#include <set>
#include <vector>
#include <unordered_set>

#include "core/digest.hpp"
#include "core/error.hpp"

using namespace mlops;

TEST_CASE("sha256 matches the FIPS 180-2 vectors", "[digest]") {
  CHECK(hash_bytes("").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_bytes("abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex() ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hash_bytes(std::string(1000000, 'a')).hex() ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Hasher is incremental and reusable after finish", "[digest]") {
  Hasher h;
  std::string million(1000000, 'a');
  for (size_t off = 0; off < million.size(); off += 4093) h.update(million.data() + off, std::min<size_t>(4093, million.size() - off));
  CHECK(h.finish() == hash_bytes(million));
  h.update("ab");
  h.update("c");
  CHECK(h.finish() == hash_bytes("abc"));
  CHECK(h.finish() == hash_bytes(""));
}

TEST_CASE("hash text round-trips and rejects malformed text", "[digest]") {
  Hash h = hash_bytes("abc");
  CHECK(h.str() == "sha256:" + h.hex());
  CHECK(Hash::parse(h.str()) == h);
  CHECK(Hash::parse(h.hex()) == h);
  std::string upper = h.hex();
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(Hash::parse(upper) == h);

  for (const std::string& bad : std::vector<std::string>{"", "sha256:", "sha256:abc", "md5:" + h.hex(), h.hex() + "0", h.hex().substr(1) + "g"}) {
    CAPTURE(bad);
    CHECK_FALSE(Hash::try_parse(bad));
    try {
      Hash::parse(bad);
      FAIL("parse accepted " << bad);
    } catch (const Error& e) {
      CHECK(e.code() == Errc::usage);
      CHECK(std::string(e.what()).find("'" + bad + "'") != std::string::npos);
    }
  }
}

TEST_CASE("hashes order and hash for containers", "[digest]") {
  Hash a = hash_bytes("a"), b = hash_bytes("b");
  CHECK(a != b);
  CHECK((a < b) == (a.hex() < b.hex()));
  std::unordered_set<Hash, HashHasher> set{a, b, a};
  CHECK(set.size() == 2);
  std::set<Hash> ordered{b, a};
  CHECK(ordered.begin()->hex() == std::min(a.hex(), b.hex()));
}
