#include "minisign_format.hpp"

#include <cstring>
#include <vector>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUntrusted = "untrusted comment: ";
constexpr std::string_view kTrusted = "trusted comment: ";
constexpr size_t kPublicKeyBytes = 2 + 8 + 32;
constexpr size_t kSignatureBytes = 2 + 8 + 64;

int decode_char(char c) {
  const char* p = std::strchr(kAlphabet, c);
  return c != '\0' && p ? static_cast<int>(p - kAlphabet) : -1;
}

// Lines without their CR/LF; a final newline does not make an empty line.
std::vector<std::string> text_lines(std::string_view text) {
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (auto& l : lines)
    if (!l.empty() && l.back() == '\r') l.pop_back();
  return lines;
}

template <size_t N>
void take(std::array<uint8_t, N>& out, const std::string& bytes, size_t offset) {
  std::memcpy(out.data(), bytes.data() + offset, N);
}

}  // namespace

std::string key_id_hex(const KeyId& id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = id.size(); i-- > 0;) {
    out += kHex[id[i] >> 4];
    out += kHex[id[i] & 0xf];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

std::string base64_decode(std::string_view text, const std::string& what) {
  auto bad = [&] { return Error(Errc::usage, what + " is not valid base64"); };
  if (text.size() % 4 != 0) throw bad();
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (pad == 1 && text[i + 2] == '=') throw bad();  // "x=y=" style
    uint32_t v = 0;
    for (int j = 0; j < 4 - pad; ++j) {
      int d = decode_char(text[i + j]);
      if (d < 0) throw bad();
      v |= static_cast<uint32_t>(d) << (18 - 6 * j);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
  }
  return out;
}

std::string encode_public_key_line(const MinisignPublicKey& key) {
  std::string raw = "Ed";
  raw.append(reinterpret_cast<const char*>(key.key_id.data()), key.key_id.size());
  raw.append(reinterpret_cast<const char*>(key.pk.data()), key.pk.size());
  return base64_encode(raw);
}

std::string format_public_key(const MinisignPublicKey& key, std::string_view untrusted_comment) {
  return std::string(kUntrusted) + std::string(untrusted_comment) + "\n" + encode_public_key_line(key) + "\n";
}

MinisignPublicKey parse_public_key(std::string_view text, const std::string& origin) {
  auto lines = text_lines(text);
  if (lines.size() == 2 && starts_with(lines[0], kUntrusted)) lines.erase(lines.begin());
  if (lines.size() != 1)
    throw Error(Errc::usage,
                origin + " is not a minisign public key (expected an 'untrusted comment:' line and a key line)");
  std::string raw = base64_decode(trim(lines[0]), origin);
  if (raw.size() != kPublicKeyBytes || raw.compare(0, 2, "Ed") != 0)
    throw Error(Errc::usage, origin + " is not an Ed25519 minisign public key");
  MinisignPublicKey key;
  take(key.key_id, raw, 2);
  take(key.pk, raw, 10);
  return key;
}

std::string format_signature(const MinisignSignature& s) {
  std::string raw = s.alg == MinisignAlg::prehashed ? "ED" : "Ed";
  raw.append(reinterpret_cast<const char*>(s.key_id.data()), s.key_id.size());
  raw.append(reinterpret_cast<const char*>(s.sig.data()), s.sig.size());
  std::string global(reinterpret_cast<const char*>(s.global_sig.data()), s.global_sig.size());
  return std::string(kUntrusted) + s.untrusted_comment + "\n" + base64_encode(raw) + "\n" + std::string(kTrusted) +
         s.trusted_comment + "\n" + base64_encode(global) + "\n";
}

MinisignSignature parse_signature(std::string_view text, const std::string& origin) {
  auto lines = text_lines(text);
  auto bad = [&](const std::string& why) {
    return Error(Errc::integrity, origin + ": not a minisign signature: " + why);
  };
  if (lines.size() != 4) throw bad("expected 4 lines, found " + std::to_string(lines.size()));
  if (!starts_with(lines[0], kUntrusted)) throw bad("line 1 is not an untrusted comment");
  if (!starts_with(lines[2], kTrusted)) throw bad("line 3 is not a trusted comment");
  MinisignSignature s;
  s.untrusted_comment = lines[0].substr(kUntrusted.size());
  s.trusted_comment = lines[2].substr(kTrusted.size());
  std::string raw, global;
  try {
    raw = base64_decode(lines[1], "line 2");
    global = base64_decode(lines[3], "line 4");
  } catch (const Error& e) {
    throw bad(e.what());
  }
  if (raw.size() != kSignatureBytes) throw bad("line 2 has the wrong length");
  if (global.size() != s.global_sig.size()) throw bad("line 4 has the wrong length");
  if (raw.compare(0, 2, "ED") == 0)
    s.alg = MinisignAlg::prehashed;
  else if (raw.compare(0, 2, "Ed") == 0)
    s.alg = MinisignAlg::legacy;
  else
    throw bad("unknown signature algorithm");
  take(s.key_id, raw, 2);
  take(s.sig, raw, 10);
  take(s.global_sig, global, 0);
  return s;
}

}  // namespace mlops
