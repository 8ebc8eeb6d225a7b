#include "signing_key.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <utility>

#include "digest.hpp"
#include "error.hpp"

namespace mlops {
namespace {

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// PEM password callback: `u` is the passphrase, or null for "none given".
int passphrase_cb(char* buf, int size, int /*rwflag*/, void* u) {
  if (u == nullptr) return -1;
  const auto* pass = static_cast<const std::string*>(u);
  if (pass->size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, pass->data(), pass->size());
  return static_cast<int>(pass->size());
}

std::array<uint8_t, 64> blake2b512(std::string_view data) {
  std::array<uint8_t, 64> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_blake2b512(), nullptr) != 1 || len != out.size())
    throw Error("cannot compute BLAKE2b-512: " + openssl_reason());
  return out;
}

std::string_view as_chars(const std::array<uint8_t, 64>& a) {
  return {reinterpret_cast<const char*>(a.data()), a.size()};
}

}  // namespace

KeyId key_id_for(const Ed25519PublicBytes& pk) {
  Hash h = hash_bytes(std::string_view(reinterpret_cast<const char*>(pk.data()), pk.size()));
  KeyId id;
  std::memcpy(id.data(), h.bytes.data(), id.size());
  return id;
}

SigningKey SigningKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw Error("cannot generate an Ed25519 key: " + openssl_reason());
  return SigningKey(key);
}

bool SigningKey::pem_is_encrypted(std::string_view pem) {
  return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos;
}

SigningKey SigningKey::from_pem(std::string_view pem, const std::optional<std::string>& passphrase,
                                const std::string& origin) {
  if (pem_is_encrypted(pem) && !passphrase)
    throw Error(Errc::usage, "the secret key " + origin + " is encrypted: give its passphrase (--passphrase-file)");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw Error("out of memory reading " + origin);
  void* u = passphrase ? const_cast<std::string*>(&*passphrase) : nullptr;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, u);
  if (key == nullptr) {
    std::string why = openssl_reason();
    throw Error(Errc::usage, "cannot read the secret key " + origin +
                                 (pem_is_encrypted(pem) ? " (wrong passphrase?): " : ": ") + why);
  }
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    throw Error(Errc::usage, "the secret key " + origin + " is not an Ed25519 key");
  }
  return SigningKey(key);
}

SigningKey::~SigningKey() { EVP_PKEY_free(key_); }
SigningKey::SigningKey(SigningKey&& o) noexcept : key_(std::exchange(o.key_, nullptr)) {}
SigningKey& SigningKey::operator=(SigningKey&& o) noexcept {
  std::swap(key_, o.key_);
  return *this;
}

std::string SigningKey::to_pem(const std::optional<std::string>& passphrase) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase ? EVP_aes_256_cbc() : nullptr;
  char* pass = passphrase ? const_cast<char*>(passphrase->data()) : nullptr;
  int pass_len = passphrase ? static_cast<int>(passphrase->size()) : 0;
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_, cipher, pass, pass_len, nullptr, nullptr) != 1)
    throw Error("cannot encode the secret key: " + openssl_reason());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

MinisignPublicKey SigningKey::public_key() const {
  MinisignPublicKey out;
  size_t len = out.pk.size();
  if (EVP_PKEY_get_raw_public_key(key_, out.pk.data(), &len) != 1 || len != out.pk.size())
    throw Error("cannot read the public half of a key: " + openssl_reason());
  out.key_id = key_id_for(out.pk);
  return out;
}

Ed25519Signature SigningKey::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Ed25519Signature sig{};
  size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != sig.size())
    throw Error("cannot sign: " + openssl_reason());
  return sig;
}

bool ed25519_verify(const Ed25519PublicBytes& pk, std::string_view message, const Ed25519Signature& sig) {
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pk.data(), pk.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  ERR_clear_error();
  return ok;
}

MinisignSignature minisign_sign(const SigningKey& key, std::string_view message, std::string trusted_comment,
                                std::string untrusted_comment) {
  if (trusted_comment.find_first_of("\r\n") != std::string::npos ||
      untrusted_comment.find_first_of("\r\n") != std::string::npos)
    throw Error(Errc::usage, "signature comments must be one line");
  MinisignSignature s;
  s.untrusted_comment = std::move(untrusted_comment);
  s.trusted_comment = std::move(trusted_comment);
  s.alg = MinisignAlg::prehashed;
  s.key_id = key.public_key().key_id;
  s.sig = key.sign(as_chars(blake2b512(message)));
  std::string global(reinterpret_cast<const char*>(s.sig.data()), s.sig.size());
  s.global_sig = key.sign(global + s.trusted_comment);
  return s;
}

const MinisignPublicKey& minisign_verify(const std::vector<MinisignPublicKey>& trusted, std::string_view message,
                                         const MinisignSignature& sig, const std::string& origin) {
  const MinisignPublicKey* key = nullptr;
  for (const auto& k : trusted)
    if (k.key_id == sig.key_id) key = &k;
  if (key == nullptr)
    throw Error(Errc::integrity, origin + " is signed by key " + key_id_hex(sig.key_id) +
                                     ", which is not a trusted key" + (trusted.empty() ? " (no key is trusted)" : ""));
  std::string prehashed;
  if (sig.alg == MinisignAlg::prehashed) prehashed = std::string(as_chars(blake2b512(message)));
  if (!ed25519_verify(key->pk, sig.alg == MinisignAlg::prehashed ? prehashed : message, sig.sig))
    throw Error(Errc::integrity, origin + ": signature verification failed (key " + key_id_hex(sig.key_id) + ")");
  std::string global(reinterpret_cast<const char*>(sig.sig.data()), sig.sig.size());
  if (!ed25519_verify(key->pk, global + sig.trusted_comment, sig.global_sig))
    throw Error(Errc::integrity,
                origin + ": the trusted comment's signature is invalid (key " + key_id_hex(sig.key_id) + ")");
  return *key;
}

}  // namespace mlops
