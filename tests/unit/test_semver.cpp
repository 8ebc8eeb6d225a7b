#include <catch2/catch.hpp>
#include <algorithm>
#include <vector>

#include "core/semver.hpp"

using namespace mlops;

namespace {
SemVer v(const char* text) {
  auto parsed = SemVer::parse(text);
  INFO(text);
  REQUIRE(parsed);
  return *parsed;
}
}  // namespace

TEST_CASE("semver parses versions with and without the v") {
  SemVer a = v("1.2.3");
  CHECK((a.major == 1 && a.minor == 2 && a.patch == 3));
  CHECK(v("v1.2.3") == a);
  SemVer b = v("1.0.0-rc.1+build.5");
  CHECK(b.pre == std::vector<std::string>{"rc", "1"});
  CHECK(b.build == "build.5");
  CHECK(b.str() == "1.0.0-rc.1+build.5");
  CHECK(b.tag() == "v1.0.0-rc.1+build.5");
  CHECK(v("0.0.0-0a.x-y").str() == "0.0.0-0a.x-y");
}

TEST_CASE("semver rejects what the grammar forbids") {
  for (const char* bad : {"", "v", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3+",
                          "1.2.3-01", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a_b", "V1.2.3", "vv1.2.3", "1.2.x",
                          "-1.2.3", "1.2.3 ", "99999999999999999999.0.0"}) {
    INFO(bad);
    CHECK_FALSE(SemVer::parse(bad));
  }
}

TEST_CASE("semver precedence follows the specification's example") {
  std::vector<SemVer> order{v("1.0.0-alpha"),      v("1.0.0-alpha.1"), v("1.0.0-alpha.beta"), v("1.0.0-beta"),
                            v("1.0.0-beta.2"),     v("1.0.0-beta.11"), v("1.0.0-rc.1"),       v("1.0.0"),
                            v("1.0.1"),            v("1.1.0"),         v("1.10.0"),           v("2.0.0")};
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    INFO(order[i].str() + " < " + order[i + 1].str());
    CHECK(order[i].precedence(order[i + 1]) < 0);
    CHECK(order[i] < order[i + 1]);
  }
  std::vector<SemVer> shuffled(order.rbegin(), order.rend());
  std::sort(shuffled.begin(), shuffled.end());
  CHECK(shuffled == order);
}

TEST_CASE("semver build metadata does not change precedence but keeps the order total") {
  CHECK(v("1.0.0+a").precedence(v("1.0.0+b")) == 0);
  CHECK(v("1.0.0+a") < v("1.0.0+b"));
  CHECK(v("1.0.0+a") != v("1.0.0"));
}

TEST_CASE("semver bump increments a part and resets the lower ones") {
  CHECK(bump(v("1.2.3"), BumpPart::major) == v("2.0.0"));
  CHECK(bump(v("1.2.3"), BumpPart::minor) == v("1.3.0"));
  CHECK(bump(v("1.2.3"), BumpPart::patch) == v("1.2.4"));
  CHECK(bump(v("1.2.3+build"), BumpPart::patch) == v("1.2.4"));
}

TEST_CASE("semver bump of a pre-release releases it when that is the part asked for") {
  CHECK(bump(v("1.2.3-rc.1"), BumpPart::patch) == v("1.2.3"));
  CHECK(bump(v("1.2.0-rc.1"), BumpPart::minor) == v("1.2.0"));
  CHECK(bump(v("1.2.3-rc.1"), BumpPart::minor) == v("1.3.0"));
  CHECK(bump(v("2.0.0-rc.1"), BumpPart::major) == v("2.0.0"));
  CHECK(bump(v("2.1.0-rc.1"), BumpPart::major) == v("3.0.0"));
}

TEST_CASE("semver bump parts are named major minor and patch") {
  CHECK(parse_bump_part("minor") == BumpPart::minor);
  CHECK_FALSE(parse_bump_part("Minor"));
  CHECK_FALSE(parse_bump_part(""));
}
