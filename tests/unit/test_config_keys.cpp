#include <catch2/catch.hpp>
#include <set>

#include "core/config_keys.hpp"
#include "core/error.hpp"

using namespace mlops;

TEST_CASE("config key table is well formed", "[config]") {
  std::set<std::string_view> names;
  for (const auto& k : config_keys()) {
    INFO(k.name);
    CHECK(names.insert(k.name).second);  // no duplicates
    CHECK_FALSE(k.help.empty());
    CHECK(k.name.find('.') != std::string_view::npos);
    if (k.type == KeyType::choice || k.type == KeyType::list) CHECK_FALSE(k.choices.empty());
    // A default must pass the key's own check.
    if (!k.default_value.empty()) CHECK_NOTHROW(check_config_value(k, k.name, k.default_value));
  }
}

TEST_CASE("pattern keys match concrete names", "[config]") {
  const ConfigKey* k = find_config_key("remote.origin.url");
  REQUIRE(k);
  CHECK(k->name == "remote.*.url");
  CHECK(find_config_key("remote..url") == nullptr);
  CHECK(find_config_key("remote.origin") == nullptr);
  CHECK(find_config_key("core.nope") == nullptr);
}

TEST_CASE("values are checked and normalised", "[config]") {
  CHECK(check_config_value(*find_config_key("remote.x.ssl_verify"), "remote.x.ssl_verify", "yes") == "true");
  CHECK_THROWS_AS(check_config_value(*find_config_key("core.jobs"), "core.jobs", "-1"), Error);
  CHECK(check_config_value(*find_config_key("core.link_type"), "core.link_type", "hardlink, copy") == "hardlink,copy");
  CHECK_THROWS_WITH(check_config_value(*find_config_key("core.link_type"), "core.link_type", "teleport"),
                    Catch::Contains("core.link_type"));
  CHECK_THROWS(check_config_value(*find_config_key("ui.color"), "ui.color", "sometimes"));
  CHECK_THROWS(check_config_value(*find_config_key("core.pack_threshold"), "core.pack_threshold", "big"));
}

TEST_CASE("a remote's verify key takes true only and says why", "[config]") {
  const ConfigKey& verify = *find_config_key("remote.origin.verify");
  CHECK(check_config_value(verify, "remote.origin.verify", "true") == "true");
  CHECK_THROWS_WITH(check_config_value(verify, "remote.origin.verify", "false"),
                    Catch::Contains("remote.origin.verify") && Catch::Contains("re-hashed"));
}

TEST_CASE("suggestions and environment names", "[config]") {
  auto s = suggest_config_keys("core.jbs");
  REQUIRE_FALSE(s.empty());
  CHECK(s.front() == "core.jobs");
  auto r = suggest_config_keys("remote.origin.urll");
  REQUIRE_FALSE(r.empty());
  CHECK(r.front() == "remote.origin.url");
  CHECK(config_env_name(*find_config_key("core.link_type")) == "MLOPS_CORE_LINK_TYPE");
  CHECK(config_env_name(*find_config_key("remote.x.url")).empty());
}

TEST_CASE("secrets are marked", "[config]") {
  for (const char* secret : {"remote.a.password", "remote.a.token", "remote.a.secret_access_key",
                             "remote.a.session_token"}) {
    INFO(secret);
    REQUIRE(find_config_key(secret));
    CHECK(find_config_key(secret)->secret);
  }
  CHECK_FALSE(find_config_key("remote.a.url")->secret);
}

TEST_CASE("integer keys have a range, named in the error", "[config]") {
  const ConfigKey& jobs = *find_config_key("core.jobs");
  CHECK(check_config_value(jobs, "core.jobs", "256") == "256");
  CHECK_THROWS_WITH(check_config_value(jobs, "core.jobs", "100000"),
                    Catch::Equals("invalid value '100000' for core.jobs: expected a whole number from 0 to 256"));
  CHECK_THROWS(check_config_value(*find_config_key("remote.x.port"), "remote.x.port", "0"));
  CHECK_THROWS(check_config_value(*find_config_key("target.x.retain"), "target.x.retain", "0"));
  for (const auto& k : config_keys())
    if (k.type == KeyType::integer) CHECK(k.min <= k.max);
}
