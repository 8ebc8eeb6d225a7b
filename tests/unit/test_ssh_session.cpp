#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "remotes/ssh_session.hpp"
#include "remotes/url.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("long listing lines give type, size and name", "[ssh_session]") {
  auto f = parse_sftp_listing_line("-rw-r--r--    1 root     root       123456 Nov 22 07:20 abcdef.pack");
  REQUIRE(f);
  CHECK(f->type == '-');
  CHECK(f->size == 123456);
  CHECK(f->name == "abcdef.pack");
  auto d = parse_sftp_listing_line("drwxr-xr-x    2 ann      staff        4096 Jan  3  2023 sub dir");
  REQUIRE(d);
  CHECK(d->type == 'd');
  CHECK(d->name == "sub dir");
  auto l = parse_sftp_listing_line("lrwxrwxrwx    1 ann      ann             4 Nov 22 07:20 link -> target");
  REQUIRE(l);
  CHECK(l->type == 'l');
  CHECK(l->name == "link");
  CHECK_FALSE(parse_sftp_listing_line("name-only"));
  CHECK_FALSE(parse_sftp_listing_line("-rw-r--r-- 1 u g big Nov 22 07:20 x"));
}

TEST_CASE("sftp URLs are percent-encoded, quote arguments escaped", "[ssh_session]") {
  CHECK(sftp_url("host", 22, "/data/a b%#?") == "sftp://host:22/data/a%20b%25%23%3F");
  CHECK(sftp_url("::1", 2222, "/~/x") == "sftp://[::1]:2222/~/x");
  CHECK(sftp_quote("/a b/c\"d\\e") == "\"/a b/c\\\"d\\\\e\"");
  CHECK(sftp_quote("/~/store/k") == "\"store/k\"");
}

TEST_CASE("SFTP failures are classified", "[ssh_session]") {
  CHECK(classify_sftp(CURLE_REMOTE_FILE_NOT_FOUND, "") == FailureKind::not_found);
  CHECK(classify_sftp(CURLE_COULDNT_CONNECT, "") == FailureKind::transient);
  CHECK(classify_sftp(CURLE_OPERATION_TIMEDOUT, "") == FailureKind::transient);
  CHECK(classify_sftp(CURLE_PEER_FAILED_VERIFICATION, "") == FailureKind::auth);
  CHECK(classify_sftp(CURLE_LOGIN_DENIED, "") == FailureKind::auth);
  CHECK(classify_sftp(CURLE_REMOTE_ACCESS_DENIED, "") == FailureKind::auth);
  CHECK(classify_sftp(CURLE_QUOTE_ERROR, "rm command failed: No such file or directory") == FailureKind::not_found);
  CHECK(classify_sftp(CURLE_QUOTE_ERROR, "rename command failed: Permission denied") == FailureKind::auth);
  CHECK(classify_sftp(CURLE_QUOTE_ERROR, "rename command failed: Failure") == FailureKind::permanent);
  CHECK(classify_sftp(CURLE_SSH, "Upload failed: Connection lost") == FailureKind::transient);
  CHECK(classify_sftp(CURLE_REMOTE_DISK_FULL, "") == FailureKind::permanent);
}

TEST_CASE("ssh settings: URL, then options, then ~/.ssh/config, then defaults", "[ssh_session]") {
  mlops::test::TempDir home;
  std::filesystem::create_directories(home / ".ssh");
  write_file_atomic(home / ".ssh/config", "Host box\n HostName 10.0.0.5\n User cfguser\n Port 2200\n");
  write_file_atomic(home / ".ssh/id_ecdsa", "not really a key");

  RemoteSpec spec;
  spec.name = "origin";
  spec.url = parse_remote_url("ssh://box/srv/store/");
  auto s = resolve_ssh_settings(spec, home.path());
  CHECK(s.host == "10.0.0.5");
  CHECK(s.user == "cfguser");
  CHECK(s.port == 2200);
  CHECK(s.root == "/srv/store");
  CHECK(s.keyfile == (home / ".ssh/id_ecdsa").string());
  CHECK(s.public_keyfile.empty());
  CHECK(s.known_hosts == (home / ".ssh/known_hosts").string());
  CHECK(s.max_sessions == 4);

  spec.options = {{"user", "optuser"}, {"port", "2300"}, {"max_sessions", "2"}, {"known_hosts", "~/kh"}};
  s = resolve_ssh_settings(spec, home.path());
  CHECK(s.user == "optuser");
  CHECK(s.port == 2300);
  CHECK(s.max_sessions == 2);
  CHECK(s.known_hosts == (home / "kh").string());

  spec.url = parse_remote_url("ssh://urluser@box:2400/srv");
  s = resolve_ssh_settings(spec, home.path());
  CHECK(s.user == "urluser");
  CHECK(s.port == 2400);

  spec.options = {{"max_sessions", "0"}};
  CHECK_THROWS_AS(resolve_ssh_settings(spec, home.path()), Error);
  spec.options = {{"keyfile", "~/missing_key"}};
  CHECK_THROWS_WITH(resolve_ssh_settings(spec, home.path()), Catch::Contains("missing_key"));
}
