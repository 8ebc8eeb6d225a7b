#pragma once
// The user's signing keys: `$XDG_CONFIG_HOME/mlops/keys/` (mode 0700) holds
// per key NAME
//
//   NAME.key   the secret key, PKCS#8 PEM, mode 0600 (signing_key.hpp)
//   NAME.pub   the public key in minisign's .pub format (minisign_format.hpp)
//
// A key may be public only: a .pub file copied in from elsewhere (a colleague's
// or a minisign key) makes it known by name for verification and trust.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "signing_key.hpp"

namespace mlops {

struct StoredKey {
  std::string name;
  MinisignPublicKey pub;
  bool has_secret = false;
  bool encrypted = false;
  std::filesystem::path public_file;
  std::filesystem::path secret_file;
};

class KeyStore {
 public:
  static constexpr const char* kDefaultName = "default";
  static std::filesystem::path default_dir();  // $XDG_CONFIG_HOME/mlops/keys

  explicit KeyStore(std::filesystem::path dir = default_dir()) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  // Writes a new key pair. Error(usage) when NAME exists and not `force`.
  StoredKey generate(const std::string& name, const std::optional<std::string>& passphrase, bool force);
  // Every key with a readable .pub file, sorted by name.
  std::vector<StoredKey> list() const;
  std::optional<StoredKey> find(const std::string& name) const;
  // Error(usage) naming the key and the directory when absent.
  StoredKey get(const std::string& name) const;
  SigningKey load_secret(const std::string& name, const std::optional<std::string>& passphrase) const;

 private:
  std::filesystem::path dir_;
};

// Key names become file names: letters, digits, '.', '_' and '-', not
// starting with '.'. Error(usage) naming `name` otherwise.
void check_key_name(const std::string& name);

// What a user may write wherever a public key is expected (--key, target
// trust): the name of a key in `store`, a path to a minisign .pub file, or
// a public key's base64 line. Error(usage) naming `spec` when it is none.
MinisignPublicKey resolve_public_key(const KeyStore& store, const std::string& spec);

// A passphrase file's first line, without its line end. Error(usage) when
// it is empty or unreadable.
std::string read_passphrase_file(const std::filesystem::path& file);

}  // namespace mlops
