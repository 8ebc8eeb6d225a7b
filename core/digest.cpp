#include "digest.hpp"

#include <openssl/evp.h>

#include "error.hpp"
#include "unique_fd.hpp"

namespace mlops {
namespace {

constexpr std::string_view kPrefix = "sha256:";
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Hash::hex() const {
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string Hash::str() const { return std::string(kPrefix) + hex(); }

std::optional<Hash> Hash::try_parse(std::string_view text) {
  if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
  Hash h;
  if (text.size() != h.bytes.size() * 2) return std::nullopt;
  for (size_t i = 0; i < h.bytes.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

Hash Hash::parse(std::string_view text) {
  if (auto h = try_parse(text)) return *h;
  throw Error(Errc::usage, "'" + std::string(text) + "' is not a sha256 hash (expected sha256:<64 hex digits>)");
}

Hasher::Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw Error("cannot initialise SHA-256 (OpenSSL EVP)");
  }
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

void Hasher::update(const void* data, size_t size) {
  if (size == 0) return;
  if (EVP_DigestUpdate(ctx_, data, size) != 1) throw Error("SHA-256 update failed (OpenSSL EVP)");
}

Hash Hasher::finish() {
  Hash h;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, h.bytes.data(), &len) != 1 || len != h.bytes.size())
    throw Error("SHA-256 finish failed (OpenSSL EVP)");
  if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw Error("cannot reset SHA-256 (OpenSSL EVP)");
  return h;
}

Hash hash_bytes(std::string_view data) {
  // One-shot EVP_Digest avoids allocating a context per call on the hot path.
  Hash h;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), h.bytes.data(), &len, EVP_sha256(), nullptr) != 1)
    throw Error("SHA-256 failed (OpenSSL EVP)");
  return h;
}

Hash hash_file(const std::filesystem::path& path) {
  UniqueFd fd = open_read(path);
  Hasher hasher;
  std::string buf(1 << 20, '\0');
  while (size_t n = read_full(fd.get(), buf.data(), buf.size(), path)) hasher.update(buf.data(), n);
  return hasher.finish();
}

}  // namespace mlops
