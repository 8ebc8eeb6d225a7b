#include <catch2/catch.hpp>

#include "core/delivery_json.hpp"
#include "core/error.hpp"

using namespace mlops;
using nlohmann::json;

TEST_CASE("delivery reports round-trip through JSON", "[delivery_json]") {
  DeliveryReport r;
  r.name = "churn";
  r.version = "2";
  r.outcome = DeliveryOutcome::rolled_back;
  r.current = "1";
  r.signer = "A833ED670D2B6BCB";
  r.health = HealthResult{false, "exit status 3", "boom"};
  r.removed = {"0"};
  DeliveryReport back = delivery_report_from_json(delivery_report_json(r), "device");
  CHECK(back.outcome == DeliveryOutcome::rolled_back);
  CHECK(back.current == std::optional<std::string>("1"));
  CHECK_FALSE(back.previous);
  CHECK(back.removed == r.removed);
  REQUIRE(back.health);
  CHECK(back.health->detail == "exit status 3");
}

TEST_CASE("a malformed delivery report is a remote error naming its origin", "[delivery_json]") {
  for (const json& doc : {json::array(), json{{"name", "m"}}, json{{"name", "m"}, {"version", "1"}, {"outcome", "won"}}}) {
    try {
      delivery_report_from_json(doc, "target 'edge'");
      FAIL("accepted " << doc.dump());
    } catch (const Error& e) {
      CHECK(e.code() == Errc::remote);
      CHECK_THAT(e.what(), Catch::Contains("target 'edge'"));
    }
  }
}
