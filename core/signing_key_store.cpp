#include "signing_key_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "atomic_file.hpp"
#include "error.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr std::string_view kNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

StoredKey describe(const fs::path& dir, const std::string& name) {
  StoredKey k;
  k.name = name;
  k.public_file = dir / (name + ".pub");
  k.secret_file = dir / (name + ".key");
  k.pub = parse_public_key(read_file(k.public_file), k.public_file.string());
  std::error_code ec;
  k.has_secret = fs::is_regular_file(k.secret_file, ec);
  if (k.has_secret) k.encrypted = SigningKey::pem_is_encrypted(read_file(k.secret_file));
  return k;
}

}  // namespace

fs::path KeyStore::default_dir() { return xdg_config_home() / "mlops" / "keys"; }

void check_key_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.' || name.find_first_not_of(kNameChars) != std::string::npos)
    throw Error(Errc::usage, "invalid key name '" + name + "': use letters, digits, '.', '_' and '-'");
}

StoredKey KeyStore::generate(const std::string& name, const std::optional<std::string>& passphrase, bool force) {
  check_key_name(name);
  fs::path pub = dir_ / (name + ".pub"), secret = dir_ / (name + ".key");
  std::error_code ec;
  if (!force && (fs::exists(pub, ec) || fs::exists(secret, ec)))
    throw Error(Errc::usage, "key '" + name + "' exists (" + pub.string() + "); use --force to replace it");
  fs::create_directories(dir_);
  ::chmod(dir_.c_str(), 0700);
  SigningKey key = SigningKey::generate();
  MinisignPublicKey p = key.public_key();
  write_file_atomic(secret, key.to_pem(passphrase), 0600);
  write_file_atomic(pub, format_public_key(p, "mlops public key " + key_id_hex(p.key_id) + " (" + name + ")"));
  return describe(dir_, name);
}

std::vector<StoredKey> KeyStore::list() const {
  std::vector<StoredKey> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string name = p.stem().string();
    if (p.extension() != ".pub" || name.empty() || name[0] == '.') continue;
    out.push_back(describe(dir_, name));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::optional<StoredKey> KeyStore::find(const std::string& name) const {
  check_key_name(name);
  std::error_code ec;
  if (!fs::is_regular_file(dir_ / (name + ".pub"), ec)) return std::nullopt;
  return describe(dir_, name);
}

StoredKey KeyStore::get(const std::string& name) const {
  if (auto k = find(name)) return *k;
  throw Error(Errc::usage, "no key named '" + name + "' in " + dir_.string() +
                               "; create one with `mlops keys generate" +
                               (name == kDefaultName ? "" : " --name " + name) + "`");
}

SigningKey KeyStore::load_secret(const std::string& name, const std::optional<std::string>& passphrase) const {
  StoredKey k = get(name);
  if (!k.has_secret)
    throw Error(Errc::usage, "key '" + name + "' has no secret key here (" + k.secret_file.string() + ")");
  return SigningKey::from_pem(read_file(k.secret_file), passphrase, k.secret_file.string());
}

MinisignPublicKey resolve_public_key(const KeyStore& store, const std::string& spec) {
  std::error_code ec;
  if (fs::is_regular_file(spec, ec)) return parse_public_key(read_file(spec), spec);
  // A key's base64 line may contain '/', so it is recognised before paths are.
  constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  if (spec.size() == 56 && spec.find_first_not_of(kBase64) == std::string::npos)
    return parse_public_key(spec, "the public key '" + spec + "'");
  if (spec.find('/') != std::string::npos) throw Error(Errc::usage, "public key file " + spec + " does not exist");
  bool name_like = !spec.empty() && spec[0] != '.' && spec.find_first_not_of(kNameChars) == std::string::npos;
  if (name_like)
    if (auto k = store.find(spec)) return k->pub;
  throw Error(Errc::usage, "'" + spec + "' is neither a key in " + store.dir().string() +
                               ", a public key file, nor a minisign public key");
}

std::string read_passphrase_file(const fs::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const Error& e) {
    throw Error(Errc::usage, std::string("cannot read the passphrase file: ") + e.what());
  }
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw Error(Errc::usage, "the passphrase file " + file.string() + " is empty");
  return line;
}

}  // namespace mlops
