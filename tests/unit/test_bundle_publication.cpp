#include <catch2/catch.hpp>

#include "core/bundle_publication.hpp"
#include "core/error.hpp"
#include "error_code.hpp"

using namespace mlops;
using mlops::test::code_of;

namespace {

Publication sample() {
  Publication p;
  p.name = "churn";
  p.stage = "prod";
  p.version = "1.2.0";
  p.sha256 = hash_bytes("bundle bytes");
  p.bundle = publication_bundle_key(p.name, p.sha256);
  p.size = 12;
  p.published = "2024-05-01T10:00:00Z";
  return p;
}

}  // namespace

TEST_CASE("publication keys follow the documented layout", "[publication]") {
  Hash h = hash_bytes("x");
  CHECK(publication_bundle_key("churn", h) == "bundles/churn/" + h.hex() + ".mlbundle");
  CHECK(publication_prefix("churn", "prod") == "bundles/churn/prod/");
  CHECK(publication_key("churn", "prod", 12) == "bundles/churn/prod/12.json");
  CHECK(code_of([] { publication_prefix("churn", "../x"); }) == Errc::usage);
  CHECK(code_of([] { publication_prefix("a/b", "prod"); }) == Errc::usage);
}

TEST_CASE("publication numbers are read only from their own keys", "[publication]") {
  std::string prefix = "bundles/churn/prod/";
  CHECK(publication_number(prefix + "7.json", prefix) == 7u);
  CHECK(publication_number(prefix + "12.json", prefix) == 12u);
  CHECK_FALSE(publication_number(prefix + "07.json", prefix));
  CHECK_FALSE(publication_number(prefix + "x.json", prefix));
  CHECK_FALSE(publication_number(prefix + "7.json.tmp", prefix));
  CHECK_FALSE(publication_number("bundles/churn/dev/7.json", prefix));
}

TEST_CASE("a publication record round-trips", "[publication]") {
  Publication p = sample();
  Publication q = parse_publication(serialize_publication(p), "churn", "prod", "record");
  CHECK(q.version == p.version);
  CHECK(q.bundle == p.bundle);
  CHECK(q.sha256 == p.sha256);
  CHECK(q.size == p.size);
  CHECK(q.published == p.published);
}

TEST_CASE("a record about something else or naming another bundle is refused", "[publication]") {
  std::string text = serialize_publication(sample());
  CHECK(code_of([&] { parse_publication(text, "churn", "dev", "r"); }) == Errc::integrity);
  CHECK(code_of([&] { parse_publication(text, "other", "prod", "r"); }) == Errc::integrity);
  Publication p = sample();
  p.bundle = "bundles/churn/../../etc/passwd";
  CHECK(code_of([&] { parse_publication(serialize_publication(p), "churn", "prod", "r"); }) == Errc::integrity);
  p = sample();
  p.version = "../1";
  CHECK(code_of([&] { parse_publication(serialize_publication(p), "churn", "prod", "r"); }) == Errc::integrity);
  CHECK(code_of([&] { parse_publication("{not json", "churn", "prod", "r"); }) == Errc::integrity);
  CHECK(code_of([&] { parse_publication(R"({"format": 2})", "churn", "prod", "r"); }) == Errc::integrity);
}
