#include <catch2/catch.hpp>

#include "core/url_userinfo.hpp"

using namespace mlops;

TEST_CASE("passwords in URLs are found and masked wherever they stand", "[url_userinfo]") {
  CHECK(has_url_password("https://user:PASSWORD@host/dav"));
  CHECK(has_url_password("http://u:@host"));
  CHECK_FALSE(has_url_password("ssh://git@host:2222/srv/store"));
  CHECK_FALSE(has_url_password("https://host:8443/x?a=b@c:d"));
  CHECK_FALSE(has_url_password("http://[::1]:9000/bucket"));
  CHECK_FALSE(has_url_password("user:pass@host without a scheme"));

  CHECK(without_url_passwords("https://user:PASSWORD@host/dav") == "https://user:***@host/dav");
  CHECK(without_url_passwords("http://u:p@ss@host:9000") == "http://u:***@host:9000");
  CHECK(without_url_passwords("invalid remote URL 'https://a:S1@h/x': and http://b:S2@[::1]:80 too") ==
        "invalid remote URL 'https://a:***@h/x': and http://b:***@[::1]:80 too");
  CHECK(without_url_passwords("ssh://git@host/srv") == "ssh://git@host/srv");
  CHECK(without_url_passwords("no URL here") == "no URL here");
  CHECK(without_url_passwords("") == "");
}
