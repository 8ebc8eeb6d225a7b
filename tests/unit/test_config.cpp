#include <stdlib.h>

#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

namespace {
ConfigFiles files_in(const TempDir& d) {
  ConfigFiles f;
  f.system = d / "system.yaml";
  f.global = d / "global.yaml";
  f.repo = d / "repo.yaml";
  f.local = d / "local.yaml";
  return f;
}
}  // namespace

TEST_CASE("layers: later wins, origins recorded", "[config]") {
  TempDir d;
  auto f = files_in(d);
  write_file_atomic(f.system, "core:\n  jobs: 1\n  lock_timeout: 5\n");
  write_file_atomic(f.global, "core: {jobs: 2}\n");
  write_file_atomic(f.repo, "core:\n  jobs: 3\n  link_type: [hardlink, copy]\n");
  write_file_atomic(f.local, "core:\n  jobs: 4\n");
  Config c = Config::load(f);
  CHECK(c.get_int("core.jobs") == 4);
  CHECK(c.values().at("core.jobs").level == ConfigLevel::local);
  CHECK(c.values().at("core.lock_timeout").origin == f.system.string() + ":3:17");
  CHECK(c.get_list("core.link_type") == std::vector<std::string>{"hardlink", "copy"});
  CHECK(c.get_size("core.pack_threshold") == 1024 * 1024);  // built-in default

  ::setenv("MLOPS_CORE_JOBS", "5", 1);
  Config e = Config::load(f);
  ::unsetenv("MLOPS_CORE_JOBS");
  CHECK(e.get_int("core.jobs") == 5);
  CHECK(e.values().at("core.jobs").origin == "MLOPS_CORE_JOBS");

  Config cl = Config::load(f, {{"core.jobs", "6"}});
  CHECK(cl.get_int("core.jobs") == 6);
  CHECK_THROWS_AS(Config::load(f, {{"core.nope", "1"}}), Error);
}

TEST_CASE("syntax errors name file, line and column", "[config]") {
  TempDir d;
  auto f = files_in(d);
  write_file_atomic(f.repo, "core:\n  jobs: [1, 2\n");
  try {
    Config::load(f);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::usage);
    CHECK_THAT(e.what(), Catch::Contains(f.repo.string() + ":"));
  }
  write_file_atomic(f.repo, "- a\n- b\n");
  CHECK_THROWS_WITH(Config::load(f), Catch::Contains("must be a YAML mapping"));
  write_file_atomic(f.repo, "core:\n  jobs: many\n");
  CHECK_THROWS_WITH(Config::load(f), Catch::Contains(f.repo.string() + ":2:9"));
}

TEST_CASE("unknown keys are kept and reported", "[config]") {
  TempDir d;
  auto f = files_in(d);
  write_file_atomic(f.repo, "future:\n  option: 1\n");
  Config c = Config::load(f);
  REQUIRE(c.unknown_keys().size() == 1);
  CHECK(c.get_string("future.option") == "1");
}

TEST_CASE("editing a file: set, unset, sections", "[config]") {
  TempDir d;
  auto file = d / "sub" / "config.yaml";
  config_file_set(file, "remote.origin.url", "/data");
  config_file_set(file, "remote.origin.jobs", "4");
  config_file_set(file, "core.jobs", "2");
  Config c = Config::load_layer(file, ConfigLevel::repo);
  CHECK(c.get_string("remote.origin.url") == "/data");
  CHECK(c.names_in("remote") == std::vector<std::string>{"origin"});
  CHECK(config_file_unset(file, "core.jobs"));
  CHECK_FALSE(config_file_unset(file, "core.jobs"));
  CHECK(config_file_remove_section(file, "remote.origin"));
  Config after = Config::load_layer(file, ConfigLevel::repo);
  CHECK(after.values().empty());
  write_file_atomic(file, "core: 3\n");
  CHECK_THROWS_WITH(config_file_set(file, "core.jobs", "1"), Catch::Contains("not a section"));
}
