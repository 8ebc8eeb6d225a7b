#include <catch2/catch.hpp>

#include "core/utc_time.hpp"

using namespace mlops;

TEST_CASE("utc_timestamp writes UTC with a Z") { CHECK(utc_timestamp(1714564800) == "2024-05-01T12:00:00Z"); }

TEST_CASE("iso8601 writes a moment in its own offset as git records it") {
  CHECK(iso8601(1714564800, 0) == "2024-05-01T12:00:00+00:00");
  CHECK(iso8601(1714564800, 120) == "2024-05-01T14:00:00+02:00");
  CHECK(iso8601(1714564800, -330) == "2024-05-01T06:30:00-05:30");
}
