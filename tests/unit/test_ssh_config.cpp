#include <catch2/catch.hpp>

#include "remotes/ssh_config.hpp"

using namespace mlops;

namespace {
const SshConfigContext ctx{"/home/ann", "ann"};
}

TEST_CASE("ssh patterns: * and ?", "[ssh_config]") {
  CHECK(ssh_pattern_match("*", "anything"));
  CHECK(ssh_pattern_match("gpu-*", "gpu-01"));
  CHECK(ssh_pattern_match("gpu-??", "gpu-01"));
  CHECK_FALSE(ssh_pattern_match("gpu-??", "gpu-001"));
  CHECK(ssh_pattern_match("*.example.com", "a.b.example.com"));
  CHECK_FALSE(ssh_pattern_match("*.example.com", "example.com"));
  CHECK(ssh_pattern_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(ssh_pattern_match("a*b*c", "aXXbYY"));
}

TEST_CASE("a matching Host block gives host name, user, port and key", "[ssh_config]") {
  std::string text =
      "# comment\n"
      "Host other\n"
      "  Port 1\n"
      "Host box gpu-*\n"
      "  HostName %h.cluster.example.com\n"
      "  User=ml\n"
      "  Port = 2222\n"
      "  IdentityFile ~/.ssh/%h_key\n"
      "  IdentityFile ~/.ssh/second\n"
      "  UserKnownHostsFile \"%d/my hosts\" /other\n"
      "Host *\n"
      "  User fallback\n"
      "  Port 22\n";
  auto c = parse_ssh_config(text, "gpu-7", ctx);
  CHECK(c.hostname == "gpu-7.cluster.example.com");
  CHECK(c.user == "ml");  // the first value wins, as in ssh
  CHECK(c.port == 2222);
  CHECK(c.identity_file == "/home/ann/.ssh/gpu-7.cluster.example.com_key");
  CHECK(c.known_hosts == "/home/ann/my hosts");

  auto d = parse_ssh_config(text, "elsewhere", ctx);
  CHECK(d.hostname.empty());
  CHECK(d.user == "fallback");
  CHECK(d.port == 22);
  CHECK(d.identity_file.empty());
}

TEST_CASE("ssh config: negation, global lines, case, Match skipped", "[ssh_config]") {
  std::string text =
      "user early\n"
      "HOST *.lan !secret.lan\n"
      "  PORT 2200\n"
      "Match host *.lan\n"
      "  Port 9999\n"
      "  HostName not-used\n";
  CHECK(parse_ssh_config(text, "a.lan", ctx).port == 2200);
  CHECK(parse_ssh_config(text, "A.LAN", ctx).port == 2200);  // host names compare case-insensitively
  CHECK(parse_ssh_config(text, "secret.lan", ctx).port == 0);
  CHECK(parse_ssh_config(text, "secret.lan", ctx).user == "early");
  CHECK(parse_ssh_config(text, "a.lan", ctx).hostname.empty());
  CHECK(parse_ssh_config("Host x\n Port notanumber\n", "x", ctx).port == 0);
}

TEST_CASE("a missing config file is empty", "[ssh_config]") {
  auto c = read_ssh_config("/nonexistent/ssh/config", "host", ctx);
  CHECK(c.hostname.empty());
  CHECK(c.port == 0);
}
