// The SigV4 signer against the worked examples of AWS's S3 documentation
// ("Signature Calculations for the Authorization Header: Transferring
// Payload in a Single Chunk"): the same credentials, date and requests, and
// the signatures AWS publishes for them.
#include <catch2/catch.hpp>

#include "remotes/s3_sigv4.hpp"

using namespace mlops;

namespace {

const AwsCredentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "test"};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

SigV4Request example(const std::string& method, const std::string& path,
                     std::vector<std::pair<std::string, std::string>> query = {}) {
  SigV4Request r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.payload_hash = std::string(kEmptyPayloadHash);
  r.headers = {{"Host", kHost}, {"x-amz-date", kDate}, {"x-amz-content-sha256", r.payload_hash}};
  return r;
}

}  // namespace

TEST_CASE("sigv4: AWS example GET object with a Range header", "[s3]") {
  SigV4Request r = example("GET", "/test.txt");
  r.headers.emplace_back("Range", "bytes=0-9");
  SigV4Signature s = sigv4_sign(r, kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(s.canonical_request ==
        "GET\n/test.txt\n\n"
        "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\n"
        "host;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(s.string_to_sign ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(s.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: AWS example PUT object with an encoded key and a signed payload", "[s3]") {
  const std::string body = "Welcome to Amazon S3.";
  CHECK(sha256_hex(body) == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Request r;
  r.method = "PUT";
  r.path = "/test%24file.text";
  r.payload_hash = sha256_hex(body);
  r.headers = {{"Host", kHost},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", kDate},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", r.payload_hash}};
  SigV4Signature s = sigv4_sign(r, kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(s.signed_headers == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  CHECK(s.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4: AWS example GET bucket lifecycle (a query without a value)", "[s3]") {
  SigV4Signature s = sigv4_sign(example("GET", "/", {{"lifecycle", ""}}), kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(s.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("sigv4: AWS example list objects (a sorted query)", "[s3]") {
  SigV4Signature s =
      sigv4_sign(example("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}), kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(s.canonical_request.substr(0, 26) == "GET\n/\nmax-keys=2&prefix=J\n");
  CHECK(s.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("sigv4: canonical query encodes names and values per RFC 3986 and sorts them", "[s3]") {
  CHECK(canonical_query({}) == "");
  CHECK(canonical_query({{"prefix", "a b/c~d+e"}, {"list-type", "2"}, {"continuation-token", "1/x=="}}) ==
        "continuation-token=1%2Fx%3D%3D&list-type=2&prefix=a%20b%2Fc~d%2Be");
  CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(canonical_query({{"b", "2"}, {"a", "2"}, {"a", "1"}}) == "a=1&a=2&b=2");
}

TEST_CASE("sigv4: header values are trimmed and inner spaces collapsed; names lower-cased", "[s3]") {
  SigV4Request r = example("GET", "/k");
  r.headers.emplace_back("X-Amz-Meta-Note", "  two   words ");
  SigV4Signature s = sigv4_sign(r, kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(s.canonical_request.find("x-amz-meta-note:two words\n") != std::string::npos);
  CHECK(s.signed_headers == "host;x-amz-content-sha256;x-amz-date;x-amz-meta-note");
}

TEST_CASE("sigv4: a session token changes the signature; the secret never appears", "[s3]") {
  SigV4Request r = example("GET", "/k");
  SigV4Signature plain = sigv4_sign(r, kExampleCredentials, "us-east-1", "s3", kDate);
  r.headers.emplace_back("x-amz-security-token", "TOKEN");
  SigV4Signature with_token = sigv4_sign(r, kExampleCredentials, "us-east-1", "s3", kDate);
  CHECK(with_token.signed_headers == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  CHECK(with_token.signature != plain.signature);
  for (const auto* text : {&plain.authorization, &plain.canonical_request, &plain.string_to_sign})
    CHECK(text->find(kExampleCredentials.secret_access_key) == std::string::npos);
}

TEST_CASE("sigv4: amz_date_now has the x-amz-date shape", "[s3]") {
  std::string d = amz_date_now();
  REQUIRE(d.size() == 16);
  CHECK(d[8] == 'T');
  CHECK(d[15] == 'Z');
}
