#pragma once
// Ed25519 signing keys (OpenSSL EVP) and minisign-compatible signatures.
//
// Secret keys are stored as PKCS#8 PEM (encrypted with AES-256-CBC under a
// passphrase when one is given), which OpenSSL and most tools can read; the
// public half travels in minisign's format (minisign_format.hpp). The key id
// of an mlops key is the first 8 bytes of SHA-256 of its public key, so it can
// always be recomputed from either half; keys made by minisign keep the
// random id in their .pub file.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "minisign_format.hpp"

struct evp_pkey_st;

namespace mlops {

KeyId key_id_for(const Ed25519PublicBytes& pk);

class SigningKey {
 public:
  static SigningKey generate();
  // `passphrase` is required when the PEM is encrypted: Error(usage) naming
  // `origin` when missing or wrong, or when the key is not Ed25519.
  static SigningKey from_pem(std::string_view pem, const std::optional<std::string>& passphrase,
                             const std::string& origin);
  // True when `pem` holds an encrypted private key.
  static bool pem_is_encrypted(std::string_view pem);

  ~SigningKey();
  SigningKey(SigningKey&& o) noexcept;
  SigningKey& operator=(SigningKey&& o) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  std::string to_pem(const std::optional<std::string>& passphrase) const;
  MinisignPublicKey public_key() const;
  Ed25519Signature sign(std::string_view message) const;

 private:
  explicit SigningKey(evp_pkey_st* key) : key_(key) {}
  evp_pkey_st* key_;
};

bool ed25519_verify(const Ed25519PublicBytes& pk, std::string_view message, const Ed25519Signature& sig);

// A minisign signature of `message` in the prehashed ("ED") form.
MinisignSignature minisign_sign(const SigningKey& key, std::string_view message, std::string trusted_comment,
                                std::string untrusted_comment);

// Checks `sig` over `message` against the key among `trusted` with the
// signature's key id, both the message signature and the one over the
// trusted comment. Throws Error(integrity) naming `origin` on any failure:
// no trusted key with that id, or a bad signature.
const MinisignPublicKey& minisign_verify(const std::vector<MinisignPublicKey>& trusted, std::string_view message,
                                         const MinisignSignature& sig, const std::string& origin);

}  // namespace mlops
