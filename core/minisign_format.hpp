#pragma once
// The text encodings of minisign public keys and signatures, so that keys and
// bundle signatures made by mlops can be checked with `minisign -V` and keys
// made by minisign can be trusted by mlops. Encoding only: the cryptography is
// in signing_key.hpp.
//
// Public key file (.pub), 2 lines, LF or CRLF line ends:
//
//   pubfile   = "untrusted comment: " text LF pubkey LF?
//   pubkey    = base64( "Ed" keyid[8] pk[32] )        ; 42 bytes -> 56 chars
//
// Signature file (.minisig), 4 lines:
//
//   sigfile   = "untrusted comment: " text LF
//               base64( alg[2] keyid[8] sig[64] ) LF  ; 74 bytes -> 100 chars
//               "trusted comment: " tcomment LF
//               base64( global_sig[64] ) LF?
//   alg       = "ED"   ; sig = Ed25519(BLAKE2b-512(message)), the default
//             | "Ed"   ; sig = Ed25519(message), the legacy form
//   global_sig = Ed25519( sig[64] tcomment )          ; binds the trusted comment
//
// The key id is 8 bytes; minisign prints it as the 16 upper-case hex digits
// of those bytes read as a little-endian number, and so does mlops.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlops {

using KeyId = std::array<uint8_t, 8>;
using Ed25519PublicBytes = std::array<uint8_t, 32>;
using Ed25519Signature = std::array<uint8_t, 64>;

struct MinisignPublicKey {
  KeyId key_id{};
  Ed25519PublicBytes pk{};
  bool operator==(const MinisignPublicKey&) const = default;
};

enum class MinisignAlg { prehashed, legacy };  // "ED", "Ed"

struct MinisignSignature {
  std::string untrusted_comment;
  MinisignAlg alg = MinisignAlg::prehashed;
  KeyId key_id{};
  Ed25519Signature sig{};
  std::string trusted_comment;
  Ed25519Signature global_sig{};
};

// "6A1ED1D21E0E6F1C", as minisign displays it.
std::string key_id_hex(const KeyId& id);

std::string base64_encode(std::string_view bytes);
// Strict: padding required, no whitespace; throws Error(usage) naming `what`.
std::string base64_decode(std::string_view text, const std::string& what);

// The base64 line alone (what `minisign -P` takes).
std::string encode_public_key_line(const MinisignPublicKey& key);
std::string format_public_key(const MinisignPublicKey& key, std::string_view untrusted_comment);
// Accepts a whole .pub file or just its base64 line. `origin` names the
// input in errors (Error(usage)).
MinisignPublicKey parse_public_key(std::string_view text, const std::string& origin);

std::string format_signature(const MinisignSignature& sig);
// Errors are Error(integrity): a malformed signature is a failed check.
MinisignSignature parse_signature(std::string_view text, const std::string& origin);

}  // namespace mlops
