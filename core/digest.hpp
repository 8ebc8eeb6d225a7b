#pragma once
// Content addresses (DESIGN §3): SHA-256 of an object's bytes, written
// "sha256:<64 lowercase hex>". Hashing goes through OpenSSL EVP so that SHA-NI
// is used where the CPU has it (~2 GB/s a core).
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace mlops {

struct Hash {
  std::array<uint8_t, 32> bytes{};

  std::string hex() const;  // 64 lowercase hex digits
  std::string str() const;  // "sha256:<hex>"
  // Accepts "sha256:<64 hex>" or bare 64 hex (either case); throws
  // Error(usage) naming the text otherwise.
  static Hash parse(std::string_view text);
  static std::optional<Hash> try_parse(std::string_view text);

  auto operator<=>(const Hash&) const = default;
  bool operator==(const Hash&) const = default;
};

// For unordered containers: the bytes are already uniformly distributed, so
// the first word is as good a hash as any.
struct HashHasher {
  size_t operator()(const Hash& h) const noexcept {
    size_t v;
    std::memcpy(&v, h.bytes.data(), sizeof v);
    return v;
  }
};

// Incremental SHA-256. finish() returns the digest and resets the hasher, so
// one instance (and its EVP context allocation) serves many objects.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  Hash finish();

 private:
  evp_md_ctx_st* ctx_;
};

Hash hash_bytes(std::string_view data);
// The hash of a whole file's bytes; Error naming `path` when it cannot be read.
Hash hash_file(const std::filesystem::path& path);

}  // namespace mlops
