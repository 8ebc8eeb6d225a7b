#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/setup_warnings.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("config files: the local one is private, a chmod survives an edit", "[setup_warnings]") {
  TempDir d;
  auto files = ConfigFiles::standard(d / ".mlops");
  config_file_set(files.local, "remote.s.user", "me");
  CHECK(mode_of(files.local) == 0600);
  config_file_set(files.repo, "core.remote", "s");
  CHECK(mode_of(files.repo) == 0644);
  ::chmod(files.repo.c_str(), 0640);
  config_file_set(files.repo, "core.jobs", "2");
  CHECK(mode_of(files.repo) == 0640);
  // A secret written to any file makes it private.
  config_file_set(files.repo, "remote.s.password", "pw");
  CHECK(mode_of(files.repo) == 0600);
  ::chmod(files.local.c_str(), 0644);
  CHECK(config_file_unset(files.local, "remote.s.user"));
  CHECK(mode_of(files.local) == 0600);
}

TEST_CASE("a password in a URL is never written to a config file", "[setup_warnings]") {
  TempDir d;
  auto files = ConfigFiles::standard(d / ".mlops");
  try {
    config_file_set(files.repo, "remote.s.endpointurl", "http://u:SECRET@127.0.0.1:9000");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::usage);
    std::string msg = e.what();
    CHECK(msg.find("SECRET") == std::string::npos);
    CHECK(msg.find("http://u:***@127.0.0.1:9000") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(files.repo));
  config_file_set(files.repo, "remote.s.url", "ssh://git@host/srv");  // a user alone is no secret
  CHECK(read_file(files.repo).find("git@host") != std::string::npos);
}

TEST_CASE("config files others can read are named when they hold secrets", "[setup_warnings]") {
  TempDir d;
  auto files = ConfigFiles::standard(d / ".mlops");
  files.global = d / "global.yaml";
  fs::create_directories(d / ".mlops");
  CHECK(exposed_secret_files(files).empty());
  write_file_atomic(files.local, "remote:\n  s:\n    user: me\n", 0644);
  write_file_atomic(files.global, "core:\n  jobs: 2\n", 0644);
  auto w = exposed_secret_files(files);
  REQUIRE(w.size() == 1);  // the global file holds no secret
  CHECK(w[0].find(files.local.string() + " holds passwords and tokens") == 0);
  CHECK(w[0].find("mode 0644") != std::string::npos);
  write_file_atomic(files.global, "target:\n  dev:\n    token: t\n", 0640);
  CHECK(exposed_secret_files(files).size() == 2);
  ::chmod(files.local.c_str(), 0600);
  ::chmod(files.global.c_str(), 0600);
  CHECK(exposed_secret_files(files).empty());
}

TEST_CASE("root is warned about hardlink and symlink link types", "[setup_warnings]") {
  if (::geteuid() != 0) {
    CHECK_FALSE(root_link_type_warning({"hardlink"}));
    return;
  }
  CHECK(root_link_type_warning({"reflink", "hardlink", "copy"})->find("core.link_type hardlink") != std::string::npos);
  CHECK(root_link_type_warning({"symlink"})->find("core.link_type symlink") != std::string::npos);
  CHECK_FALSE(root_link_type_warning({"reflink", "copy"}));
}
