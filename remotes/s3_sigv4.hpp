#pragma once
// AWS Signature Version 4, as S3 checks it:
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
//                      CanonicalHeaders \n SignedHeaders \n PayloadHash
//   StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(CanonicalRequest))
//   Scope            = Date/Region/Service/"aws4_request"
//   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" + Secret, Date), Region), Service), "aws4_request")
//   Signature        = hex(HMAC(SigningKey, StringToSign))
//
// CanonicalQuery: names and values RFC 3986-encoded, sorted by name then
// value, joined as n=v with '&'. CanonicalHeaders: lower-case names, values
// trimmed with inner runs of spaces collapsed, sorted, one "name:value\n"
// each. The caller sends the URL and headers exactly as signed (curl must
// not re-encode the query: pass canonical_query() as the URL's query).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
  std::string source;         // where they came from, for messages (never the secret)
  bool empty() const { return access_key_id.empty() && secret_access_key.empty(); }
};

struct SigV4Request {
  std::string method;
  std::string path;  // canonical URI, already percent-encoded ("/bucket/a%20b")
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every one is signed; include host
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header's value
};

// `amz_date` is the request's x-amz-date ("20130524T000000Z"), which must
// also be among the signed headers.
SigV4Signature sigv4_sign(const SigV4Request& req, const AwsCredentials& creds, std::string_view region,
                          std::string_view service, std::string_view amz_date);

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
// The current UTC time as "YYYYMMDDTHHMMSSZ".
std::string amz_date_now();

constexpr std::string_view kEmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

}  // namespace mlops
