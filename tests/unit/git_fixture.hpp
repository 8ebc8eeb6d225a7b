#pragma once
// Helpers for tests over real git repositories: shell commands with a fixed,
// config-free git identity, and files written in one call.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace mlops::test {

// Runs `cmd` with sh in `dir`; the test fails unless it succeeds.
inline void sh(const std::filesystem::path& dir, const std::string& cmd) {
  std::string full = "cd '" + dir.string() +
                     "' && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=t "
                     "GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com "
                     "sh -c '" + cmd + "' >/dev/null 2>&1";
  INFO(cmd);
  REQUIRE(std::system(full.c_str()) == 0);
}

inline void write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// The full id of `rev` in the repository at `dir`.
inline std::string rev_parse(const std::filesystem::path& dir, const std::string& rev) {
  sh(dir, "git rev-parse " + rev + " > .git/mlops-test-rev");
  std::string id;
  std::ifstream(dir / ".git" / "mlops-test-rev") >> id;
  return id;
}

}  // namespace mlops::test
