#include "remote_layout.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace mlops {
namespace {

constexpr char kMagic[8] = {'M', 'L', 'O', 'P', 'S', 'I', 'D', 'X'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeader = 8 + 4 + 8;
constexpr size_t kEntry = 32 + 8 + 8;

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

std::string loose_key(const Hash& h) {
  std::string hex = h.hex();
  return "sha256/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

std::string pack_key(const std::string& pack_name) { return "packs/" + pack_name; }

std::string index_key(const std::string& pack_name) {
  std::string base = pack_name.substr(0, pack_name.rfind(".pack"));
  return "packs/" + base + ".idx";
}

std::optional<Hash> hash_of_loose_key(std::string_view key) {
  if (key.size() != 7 + 2 + 1 + 62 || key.substr(0, 7) != "sha256/" || key[9] != '/') return std::nullopt;
  std::string hex = std::string(key.substr(7, 2)) + std::string(key.substr(10));
  return Hash::try_parse(hex);
}

std::string serialize_index(std::vector<PackEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.hash < b.hash; });
  std::string out(kMagic, sizeof kMagic);
  for (int i = 0; i < 4; ++i) out += static_cast<char>((kVersion >> (8 * i)) & 0xff);
  put_u64(out, entries.size());
  for (const auto& e : entries) {
    out.append(reinterpret_cast<const char*>(e.hash.bytes.data()), 32);
    put_u64(out, e.offset);
    put_u64(out, e.length);
  }
  return out;
}

std::vector<PackEntry> parse_index(std::string_view data, const std::string& origin) {
  auto bad = [&](const std::string& why) { return Error(Errc::integrity, "pack index " + origin + ": " + why); };
  if (data.size() < kHeader || std::memcmp(data.data(), kMagic, 8) != 0) throw bad("not an mlops pack index");
  uint32_t version = 0;
  for (int i = 3; i >= 0; --i) version = (version << 8) | static_cast<unsigned char>(data[8 + i]);
  if (version != kVersion) throw bad("unsupported version " + std::to_string(version));
  uint64_t count = get_u64(data.data() + 12);
  if (count > (data.size() - kHeader) / kEntry || data.size() != kHeader + count * kEntry)
    throw bad("size does not match its entry count");
  std::vector<PackEntry> out(count);
  for (uint64_t i = 0; i < count; ++i) {
    const char* p = data.data() + kHeader + i * kEntry;
    std::memcpy(out[i].hash.bytes.data(), p, 32);
    out[i].offset = get_u64(p + 32);
    out[i].length = get_u64(p + 40);
    if (i > 0 && !(out[i - 1].hash < out[i].hash)) throw bad("entries not sorted");
  }
  return out;
}

void check_index_layout(std::vector<PackEntry> entries, uint64_t pack_size, const std::string& origin) {
  std::sort(entries.begin(), entries.end(), [](const PackEntry& a, const PackEntry& b) { return a.offset < b.offset; });
  uint64_t free_from = kPackHeaderSize;
  for (const auto& e : entries) {
    if (!entry_in_pack(e.offset, e.length, pack_size) || e.offset < free_from)
      throw Error(Errc::integrity, "pack index " + origin + ": object " + e.hash.str() + " (" +
                                       std::to_string(e.length) + " bytes at offset " + std::to_string(e.offset) +
                                       ") does not fit in its pack of " + std::to_string(pack_size) +
                                       " bytes; the index is damaged or the pack cut off");
    free_from = e.offset + kPackEntryHeaderSize + e.length;
  }
}

uint64_t index_capacity(uint64_t size) { return size < kHeader ? 0 : (size - kHeader) / kEntry; }

}  // namespace mlops
