#pragma once
// Where objects live on a remote (DESIGN §3), and the pack index format.
//
//   sha256/ab/cdef…      a large object, whole: raw, or zstd behind a marker
//                        when the remote has `compress` on (remote_codec.hpp)
//   packs/<hex>.pack     small objects; core/pack_file.hpp format, each entry
//                        raw or zstd (its encoding byte says which)
//   packs/<hex>.idx      the pack's index, uploaded after the pack, so an
//                        index on the remote always describes a complete pack
//
// Index format, version 1 (integers little-endian), entries sorted by hash:
//
//   idx    = magic:"MLOPSIDX" version:u32 count:u64 entry{count}
//   entry  = hash:u8[32] offset:u64 length:u64
//
// `offset` is that of the entry header in the pack, `length` the stored
// payload length (compressed, for a zstd entry), so a reader fetches bytes
// [offset, offset + 41 + length): the entry header comes with the payload and
// tells its encoding, which is why compression needed no new index version.
// "What does the remote hold" is answered by listing packs/ and reading the
// indexes not already cached locally: a handful of requests, not one per object.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "core/pack_file.hpp"

namespace mlops {

std::string loose_key(const Hash& h);
std::string pack_key(const std::string& pack_name);  // "<hex>.pack" -> "packs/<hex>.pack"
std::string index_key(const std::string& pack_name);  // "<hex>.pack" -> "packs/<hex>.idx"
// "sha256/ab/cdef…" -> hash; nullopt for other keys.
std::optional<Hash> hash_of_loose_key(std::string_view key);

std::string serialize_index(std::vector<PackEntry> entries);
// Error(integrity) naming `origin` when malformed.
std::vector<PackEntry> parse_index(std::string_view data, const std::string& origin);
// Checks an index's entries against the size of its pack as listed: each lies
// inside the pack and none overlaps another. Error(integrity) naming `origin`.
// (A well-formed index may still skip entries of its pack, so it need not
// cover the pack whole.)
void check_index_layout(std::vector<PackEntry> entries, uint64_t pack_size, const std::string& origin);
// How many entries an index of `size` bytes holds if it is well-formed: what
// a reader reserves before parse_index checks it.
uint64_t index_capacity(uint64_t size);

}  // namespace mlops
