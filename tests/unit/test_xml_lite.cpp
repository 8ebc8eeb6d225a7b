#include <catch2/catch.hpp>

#include "remotes/xml_lite.hpp"

using namespace mlops;

TEST_CASE("xml: a WebDAV multistatus with prefixes, entities and attributes", "[xml]") {
  auto doc = parse_xml(R"(<?xml version="1.0" encoding="utf-8" ?>
<!-- a comment -->
<D:multistatus xmlns:D="DAV:">
<D:response><D:href>/dav/a%20b/</D:href>
  <D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop>
  <D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<d:response xmlns:d="DAV:" lang='x>y'><d:href>/dav/a&amp;b&#x2F;c&#65;</d:href>
  <d:propstat><d:prop><d:getcontentlength>42</d:getcontentlength><d:resourcetype/></d:prop></d:propstat></d:response>
</D:multistatus>)");
  REQUIRE(doc);
  CHECK(doc->name == "multistatus");
  REQUIRE(doc->children.size() == 2);
  CHECK(doc->children[0].child_text("href") == "/dav/a%20b/");
  CHECK(doc->children[0].find("resourcetype")->child("collection") != nullptr);
  CHECK(doc->children[1].child_text("href") == "/dav/a&b/cA");
  CHECK(doc->children[1].find("getcontentlength")->text == "42");
  CHECK(doc->children[1].find("resourcetype")->child("collection") == nullptr);
  CHECK(doc->child_text("absent").empty());
}

TEST_CASE("xml: an S3 listing and CDATA", "[xml]") {
  auto doc = parse_xml(
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>true</IsTruncated>"
      "<Contents><Key>p/k&lt;1&gt;</Key><Size>7</Size></Contents><NextContinuationToken><![CDATA[a<b]]></NextContinuationToken>"
      "</ListBucketResult>");
  REQUIRE(doc);
  CHECK(doc->child("Contents")->child_text("Key") == "p/k<1>");
  CHECK(doc->child_text("NextContinuationToken") == "a<b");
  CHECK(doc->child_text("IsTruncated") == "true");
}

TEST_CASE("xml: malformed input is an error with a position, never a crash", "[xml]") {
  std::string error;
  for (const char* bad : {"", "text", "<a>", "<a></b>", "<a><b></a>", "<a x=1/>", "<a x=\"1/>", "<a>&bogus;</a>",
                          "<a>&#xZZ;</a>", "<a>&#99999999;</a>", "<a/><b/>", "<a><!-- x</a>", "<a><![CDATA[x</a>"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(parse_xml(bad, &error));
    CHECK_FALSE(error.empty());
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  CHECK_FALSE(parse_xml(deep, &error));
  CHECK_THAT(error, Catch::Contains("nested too deeply"));
}
