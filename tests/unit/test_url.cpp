#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "remotes/url.hpp"

using namespace mlops;

TEST_CASE("remote URLs parse", "[url]") {
  auto s = parse_remote_url("ssh://alice@127.0.0.1:2222/srv/data");
  CHECK(s.scheme == "ssh");
  CHECK(s.user == "alice");
  CHECK(s.host == "127.0.0.1");
  CHECK(s.port == 2222);
  CHECK(s.path == "/srv/data");
  auto b = parse_remote_url("s3://bucket/some/prefix/");
  CHECK(b.host == "bucket");
  CHECK(b.path == "some/prefix");
  auto h = parse_remote_url("https://[::1]:8443/dav");
  CHECK(h.host == "::1");
  CHECK(h.port == 8443);
  CHECK(parse_remote_url("file:///mnt/x/../y").path == "/mnt/y");
  CHECK(parse_remote_url("/srv/store").scheme == "file");
}

TEST_CASE("bad remote URLs are rejected with the URL quoted", "[url]") {
  for (const char* bad : {"", "ftp://h/x", "ssh://host", "ssh://host:99999/x", "ssh://host:x/y", "s3:///p",
                          "https://u:pw@h/", "file://relative", "http://[::1/x"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_remote_url(bad), Error);
  }
  CHECK_THROWS_WITH(parse_remote_url("ftp://h/x"), Catch::Contains("'ftp://h/x'"));
}
