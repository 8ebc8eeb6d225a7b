#include <catch2/catch.hpp>

#include <algorithm>

#include "remotes/ssh_command.hpp"

using namespace mlops;

TEST_CASE("ssh always checks host keys and never prompts", "[ssh_command]") {
  SshSettings s;
  s.host = "edge1";
  s.port = 2222;
  s.user = "deploy";
  s.known_hosts = "/k/known_hosts";
  s.keyfile = "/k/id";
  auto argv = SshCommand(s, "target 'e'").argv();
  auto has = [&](const std::string& a) { return std::find(argv.begin(), argv.end(), a) != argv.end(); };
  CHECK(has("StrictHostKeyChecking=yes"));
  CHECK(has("BatchMode=yes"));
  CHECK(has("UserKnownHostsFile=/k/known_hosts"));
  CHECK(has("/k/id"));
  CHECK(has("2222"));
  CHECK(argv.back() == "edge1");
  CHECK(argv[argv.size() - 2] == "--");
}
