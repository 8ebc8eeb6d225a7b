#pragma once
// Percent-encoding as RFC 3986 defines it: the unreserved characters
// (A-Z a-z 0-9 - . _ ~) stay, every other byte becomes %XX (upper-case hex).
// This is the encoding SigV4 signs and the one WebDAV paths use.
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// Encodes `s`; with keep_slash, '/' separators stay as they are.
std::string uri_encode(std::string_view s, bool keep_slash);
// Decodes %XX escapes ('+' stays '+'); nullopt on a malformed escape.
std::optional<std::string> uri_decode(std::string_view s);

}  // namespace mlops
