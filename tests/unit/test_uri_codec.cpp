#include <catch2/catch.hpp>

#include "remotes/uri_codec.hpp"

using namespace mlops;

TEST_CASE("uri: RFC 3986 encoding keeps only unreserved characters", "[uri]") {
  CHECK(uri_encode("AZaz09-._~", false) == "AZaz09-._~");
  CHECK(uri_encode("a b/c+d$e%", false) == "a%20b%2Fc%2Bd%24e%25");
  CHECK(uri_encode("dir/a b", true) == "dir/a%20b");
  CHECK(uri_encode("\xc3\xa9", false) == "%C3%A9");
}

TEST_CASE("uri: decoding, and malformed escapes", "[uri]") {
  CHECK(uri_decode("a%20b%2fc+d") == std::optional<std::string>("a b/c+d"));
  CHECK(uri_decode("") == std::optional<std::string>(""));
  CHECK_FALSE(uri_decode("%"));
  CHECK_FALSE(uri_decode("%2"));
  CHECK_FALSE(uri_decode("%zz"));
  CHECK(uri_decode(uri_encode("x y/z%", false)) == std::optional<std::string>("x y/z%"));
}
