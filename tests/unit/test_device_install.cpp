#include <catch2/catch.hpp>

#include "bundle_fixtures.hpp"
#include "core/atomic_file.hpp"
#include "core/device_install.hpp"
#include "core/error.hpp"
#include "random_bytes.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using namespace mlops::test;
namespace fs = std::filesystem;

namespace {

struct Device {
  TempDir d;
  SigningKey key = SigningKey::generate();
  fs::path root = d / "root";
  Device() { fs::create_directories(root); }

  fs::path bundle(const std::string& version, const std::string& content,
                  std::optional<HealthCheck> health = std::nullopt) {
    fs::path src = d / ("src-" + version);
    fs::remove_all(src);
    write_tree(src, {{"model.bin", content}, {"meta/info.txt", version}});
    return make_bundle(src, "churn", version, key, d.path(), std::move(health)).file;
  }
  DeliveryReport deliver(const fs::path& b, DeliveryOptions o = {}, DevicePolicy policy = {}) {
    NullProgress p;
    return DeviceRoot(root).deliver(b, {key.public_key()}, o, policy, p);
  }
  std::optional<std::string> link(const char* name) const {
    std::error_code ec;
    auto t = fs::read_symlink(root / "churn" / name, ec);
    if (ec) return std::nullopt;
    return t.string();
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(root / "churn")) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

TEST_CASE("delivery installs, activates and keeps the previous version", "[device_install]") {
  Device dev;
  auto r1 = dev.deliver(dev.bundle("1", "one"));
  CHECK(r1.outcome == DeliveryOutcome::activated);
  CHECK(dev.link("current") == "1");
  CHECK_FALSE(dev.link("previous"));
  CHECK(read_file(dev.root / "churn/current/model.bin") == "one");

  auto r2 = dev.deliver(dev.bundle("2", "two"));
  CHECK(r2.outcome == DeliveryOutcome::activated);
  CHECK(dev.link("current") == "2");
  CHECK(dev.link("previous") == "1");
  CHECK(read_file(dev.root / "churn/current/model.bin") == "two");

  auto status = DeviceRoot(dev.root).status();
  REQUIRE(status.size() == 1);
  CHECK(status[0].current == "2");
  CHECK(status[0].versions.size() == 2);
  CHECK(status[0].history.back().event == "activate");
  CHECK(dev.entries() == std::vector<std::string>{".lock", "1", "2", "current", "previous", "status.json"});
}

TEST_CASE("delivering the current version again changes nothing", "[device_install]") {
  Device dev;
  fs::path b = dev.bundle("1", "one");
  dev.deliver(b);
  std::string status_before = read_file(dev.root / "churn/status.json");
  auto r = dev.deliver(b);
  CHECK(r.outcome == DeliveryOutcome::unchanged);
  CHECK(read_file(dev.root / "churn/status.json") == status_before);
  // Same version, other content: refused, not silently kept or replaced.
  fs::path other = dev.bundle("1", "other");
  try {
    dev.deliver(other);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::failure);
    CHECK_THAT(e.what(), Catch::Contains("other content"));
  }
  CHECK(read_file(dev.root / "churn/current/model.bin") == "one");
}

TEST_CASE("a failing health check switches back to the version before", "[device_install]") {
  Device dev;
  dev.deliver(dev.bundle("1", "one"));
  auto r = dev.deliver(
      dev.bundle("2", "two", HealthCheck{"test \"$(cat model.bin)\" = good || { echo sick; exit 3; }", "", 10}));
  CHECK(r.outcome == DeliveryOutcome::rolled_back);
  REQUIRE(r.health);
  CHECK(r.health->detail == "exit status 3");
  CHECK(r.health->output == "sick\n");
  CHECK(dev.link("current") == "1");
  CHECK_FALSE(dev.link("previous"));
  CHECK(DeviceRoot(dev.root).status("churn")[0].history.back().event == "health-failed");

  auto ok = dev.deliver(dev.bundle("3", "good", HealthCheck{"test \"$(cat model.bin)\" = good", "", 10}));
  CHECK(ok.outcome == DeliveryOutcome::activated);
  CHECK(dev.link("current") == "3");
}

TEST_CASE("a health check that hangs is killed at its timeout", "[device_install]") {
  Device dev;
  auto r = dev.deliver(dev.bundle("1", "one", HealthCheck{"sleep 30", "", 1}));
  CHECK(r.outcome == DeliveryOutcome::rolled_back);
  CHECK(r.health->detail == "timed out after 1 s");
  CHECK_FALSE(dev.link("current"));
}

TEST_CASE("the device's own health check replaces the manifest's", "[device_install]") {
  Device dev;
  DevicePolicy policy;
  policy.health = HealthCheck{"test \"$MLOPS_MODEL_VERSION\" = 1 && echo device-check", "", 10};
  auto r = dev.deliver(dev.bundle("1", "one", HealthCheck{"echo manifest-check; exit 3", "", 10}), {}, policy);
  CHECK(r.outcome == DeliveryOutcome::activated);
  REQUIRE(r.health);
  CHECK(r.health->output == "device-check\n");
}

TEST_CASE("a version older than the current one is activated only when the policy allows", "[device_install]") {
  Device dev;
  dev.deliver(dev.bundle("1.0.0", "one"));
  fs::path older = dev.bundle("0.9.0", "old");
  dev.deliver(dev.bundle("1.1.0", "two"));
  std::string status_before = read_file(dev.root / "churn/status.json");
  auto before = dev.entries();
  try {
    dev.deliver(older);
    FAIL("accepted a downgrade");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::failure);
    CHECK_THAT(e.what(), Catch::Contains("0.9.0") && Catch::Contains("older than the current version 1.1.0"));
  }
  try {
    dev.deliver(dev.bundle("1.0.0", "one"));  // installed, previous: re-activating it is a downgrade too
    FAIL("accepted a downgrade to an installed version");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("older than the current version 1.1.0"));
  }
  CHECK(dev.entries() == before);
  CHECK(read_file(dev.root / "churn/status.json") == status_before);

  DeliveryOptions install_only;
  install_only.activate = false;
  CHECK(dev.deliver(older, install_only).outcome == DeliveryOutcome::installed);
  CHECK(dev.link("current") == "1.1.0");

  auto back = DeviceRoot(dev.root).rollback("churn", std::chrono::seconds(1));  // the explicit way stays open
  CHECK(back.current == "1.0.0");
  CHECK(back.history.back().event == "rollback");

  DevicePolicy lenient;
  lenient.allow_downgrade = true;
  auto r = dev.deliver(older, {}, lenient);
  CHECK(r.outcome == DeliveryOutcome::activated);
  CHECK(dev.link("current") == "0.9.0");
  auto s = DeviceRoot(dev.root).status("churn")[0];
  CHECK(s.history.back().event == "activate");
  CHECK(s.history.back().detail == kAllowedDowngradeDetail);
}

TEST_CASE("downgrades compare semantic versions, else the signed creation times", "[device_install]") {
  ModelStatus s;
  BundleManifest m;
  m.version = "1.0.0";
  m.created = "2024-01-01T00:00:00Z";
  CHECK_FALSE(is_downgrade(s, m));  // nothing current
  s.current = "1.2.0";
  s.versions["1.2.0"].created = "2023-01-01T00:00:00Z";
  CHECK(is_downgrade(s, m));  // semver wins over the times
  m.version = "v1.10.0";
  CHECK_FALSE(is_downgrade(s, m));
  m.version = "1.2.0-rc.1";
  CHECK(is_downgrade(s, m));
  m.version = "abc123";  // not a semantic version: by creation time
  CHECK_FALSE(is_downgrade(s, m));
  m.created = "2022-12-31T23:59:59Z";
  CHECK(is_downgrade(s, m));
  s.versions["1.2.0"].created.clear();  // a status written before creation times were kept
  CHECK_FALSE(is_downgrade(s, m));
  m.version = "1.2.0";
  CHECK_FALSE(is_downgrade(s, m));  // the current version itself
}

TEST_CASE("rollback swaps current and previous", "[device_install]") {
  Device dev;
  CHECK_THROWS_AS(DeviceRoot(dev.root).rollback("churn", std::chrono::seconds(1)), Error);
  dev.deliver(dev.bundle("1", "one"));
  CHECK_THROWS_WITH(DeviceRoot(dev.root).rollback("churn", std::chrono::seconds(1)), Catch::Contains("no previous"));
  dev.deliver(dev.bundle("2", "two"));
  auto s = DeviceRoot(dev.root).rollback("churn", std::chrono::seconds(1));
  CHECK(s.current == "1");
  CHECK(s.previous == "2");
  CHECK(dev.link("current") == "1");
  CHECK(read_file(dev.root / "churn/current/model.bin") == "one");
}

TEST_CASE("retention keeps the newest versions and never current or previous", "[device_install]") {
  Device dev;
  DeliveryOptions o;
  o.retain = 2;
  for (int v = 1; v <= 4; ++v) dev.deliver(dev.bundle(std::to_string(v), "v" + std::to_string(v)), o);
  CHECK(dev.entries() == std::vector<std::string>{".lock", "3", "4", "current", "previous", "status.json"});
  DeviceRoot(dev.root).rollback("churn", std::chrono::seconds(1));  // current 3, previous 4
  o.retain = 1;
  auto r = dev.deliver(dev.bundle("5", "v5"), o);  // current 5, previous 3: 4 goes
  CHECK(r.removed == std::vector<std::string>{"4"});
  CHECK(dev.entries() == std::vector<std::string>{".lock", "3", "5", "current", "previous", "status.json"});
}

TEST_CASE("untrusted and altered bundles change nothing on the device", "[device_install]") {
  Device dev;
  dev.deliver(dev.bundle("1", "one"));
  auto before = dev.entries();
  std::string status_before = read_file(dev.root / "churn/status.json");
  fs::path b2 = dev.bundle("2", random_bytes(200000, 2));

  NullProgress p;
  auto other = SigningKey::generate().public_key();
  try {
    DeviceRoot(dev.root).deliver(b2, {other}, {}, {}, p);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::integrity);
    CHECK_THAT(e.what(), Catch::Contains("not a trusted key"));
  }
  std::string data = read_file(b2);
  flip_byte(b2, static_cast<long>(data.find("payload.tar.zst") + 1024 + 5000));
  try {
    dev.deliver(b2);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::integrity);
  }
  CHECK(dev.entries() == before);
  CHECK(read_file(dev.root / "churn/status.json") == status_before);
  CHECK(dev.link("current") == "1");
}

TEST_CASE("installing without activation keeps the current version", "[device_install]") {
  Device dev;
  dev.deliver(dev.bundle("1", "one"));
  DeliveryOptions o;
  o.activate = false;
  auto r = dev.deliver(dev.bundle("2", "two"), o);
  CHECK(r.outcome == DeliveryOutcome::installed);
  CHECK(dev.link("current") == "1");
  CHECK(read_file(dev.root / "churn/2/model.bin") == "two");
  auto again = dev.deliver(dev.bundle("2", "two"));  // now activate the installed one
  CHECK(again.outcome == DeliveryOutcome::activated);
  CHECK(dev.link("current") == "2");
  CHECK(dev.link("previous") == "1");
}

TEST_CASE("a stale partial unpack is replaced by the next delivery", "[device_install]") {
  Device dev;
  fs::create_directories(dev.root / "churn/1.partial/junk");
  dev.deliver(dev.bundle("1", "one"));
  CHECK_FALSE(fs::exists(dev.root / "churn/1.partial"));
  CHECK(dev.link("current") == "1");
}

TEST_CASE("retention drops the oldest versions but never current or previous", "[device]") {
  ModelStatus s;
  s.current = "4";
  s.previous = "1";
  s.versions["1"].installed = "2024-01-01T00:00:01Z";
  s.versions["2"].installed = "2024-01-01T00:00:02Z";
  s.versions["3"].installed = "2024-01-01T00:00:03Z";
  s.versions["4"].installed = "2024-01-01T00:00:04Z";
  std::vector<VersionDir> dirs{{"1", 0}, {"2", 0}, {"3", 0}, {"4", 0}};
  CHECK(versions_to_prune(dirs, s, 3) == std::vector<std::string>{"2"});
  CHECK(versions_to_prune(dirs, s, 2) == std::vector<std::string>{"3", "2"});
  CHECK(versions_to_prune(dirs, s, 1) == std::vector<std::string>{"3", "2"});  // current and previous stay
  CHECK(versions_to_prune(dirs, s, 4).empty());
}

TEST_CASE("retention orders versions installed in the same second by rank", "[device]") {
  ModelStatus s;
  s.current = "c";
  std::vector<VersionDir> dirs{{"c", 9}, {"old", 1}, {"new", 5}, {"unknown", 3}};
  for (const auto& d : dirs) s.versions[d.version].installed = "2024-01-01T00:00:00Z";
  s.versions.erase("unknown");  // no record: older than any recorded install
  CHECK(versions_to_prune(dirs, s, 2) == std::vector<std::string>{"old", "unknown"});
}
