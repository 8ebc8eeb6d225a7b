#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/signing_key_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("a public key line containing a slash is a key and not a path", "[signing_key_store]") {
  test::TempDir dir;
  MinisignPublicKey key;
  key.key_id.fill(0xff);  // base64 of 0xff bytes is "////"
  key.pk.fill(0x5a);
  std::string line = encode_public_key_line(key);
  REQUIRE(line.find('/') != std::string::npos);
  KeyStore store(dir.path() / "keys");
  CHECK(resolve_public_key(store, line) == key);
  CHECK_THROWS_WITH(resolve_public_key(store, (dir.path() / "missing.pub").string()),
                    Catch::Contains("does not exist"));
}
