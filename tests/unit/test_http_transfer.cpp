#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "remotes/http_transfer.hpp"
#include "remotes/remote_factory.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("http: Content-Range values", "[http]") {
  auto r = parse_content_range("bytes 5-9/100");
  REQUIRE(r);
  CHECK(r->first == 5);
  CHECK(r->last == 9);
  CHECK(r->total == 100u);
  CHECK_FALSE(r->unsatisfied);
  r = parse_content_range(" bytes 0-0/* ");
  REQUIRE(r);
  CHECK_FALSE(r->total);
  r = parse_content_range("bytes */42");
  REQUIRE(r);
  CHECK(r->unsatisfied);
  CHECK(r->total == 42u);
  for (const char* bad : {"", "bytes", "bytes 9-5/10", "items 0-1/2", "bytes 1-2", "bytes a-b/c", "bytes -1-2/3"}) {
    INFO(bad);
    CHECK_FALSE(parse_content_range(bad));
  }
}

TEST_CASE("http: body sources stream, rewind, and notice a shrinking file", "[http]") {
  MemorySource m("hello");
  char buf[3];
  CHECK(m.read(buf, 3) == 3);
  CHECK(m.read(buf, 3) == 2);
  CHECK(m.read(buf, 3) == 0);
  m.rewind();
  CHECK(m.read(buf, 3) == 3);

  mlops::test::TempDir d;
  write_file_atomic(d / "f", "0123456789");
  UniqueFd fd = open_read(d / "f");
  FileRangeSource part(fd.get(), 2, 5, d / "f");
  std::string got(8, '\0');
  CHECK(part.read(got.data(), 8) == 5);
  CHECK(got.substr(0, 5) == "23456");
  FileRangeSource past(fd.get(), 8, 5, d / "f");
  CHECK_THROWS_AS(past.read(got.data(), 8), Error);
}

TEST_CASE("http: TLS settings from the remote's options", "[http]") {
  RemoteSpec spec;
  spec.name = "r";
  CHECK(tls_settings(spec).verify_tls);
  spec.options = {{"ssl_verify", "false"}, {"ca_bundle", "/ca.pem"}, {"client_cert", "/c.pem"}};
  HttpSettings s = tls_settings(spec);
  CHECK_FALSE(s.verify_tls);
  CHECK(s.ca_bundle == "/ca.pem");
  CHECK(s.client_cert == "/c.pem");
  spec.options = {{"ssl_verify", "maybe"}};
  CHECK_THROWS_WITH(tls_settings(spec), Catch::Contains("remote.r.ssl_verify"));
  spec.options = {{"client_key", "/k.pem"}};
  CHECK_THROWS_WITH(tls_settings(spec), Catch::Contains("client_cert"));
}

TEST_CASE("http: status texts", "[http]") {
  CHECK(http_status_text(404) == "404 Not Found");
  CHECK(http_status_text(599) == "HTTP 599");
}
