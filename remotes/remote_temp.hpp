#pragma once
// Unfinished writes on a remote. A backend that cannot create a key in one
// atomic request writes a temp key beside it and renames it into place:
//
//   <key>.tmp.<unix seconds>-<16 hex>   ssh and WebDAV (remote_temp_key)
//   <dir>/.<name>.tmp.XXXXXX            local directories (core's AtomicFile)
//
// Every name holding ".tmp." is such a temp: list() never shows one,
// list_unfinished() shows only those. A push killed mid-upload leaves one
// behind, and `gc --remote` removes those whose write started (the name's
// time) or last wrote (the file's mtime, where the backend knows it) more than
// kRemoteTempMaxAge ago. An upload runs minutes, not a day, so a live one is
// never removed; a temp whose age cannot be told is kept.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "remote.hpp"

namespace mlops {

inline constexpr std::chrono::hours kRemoteTempMaxAge{24};

// The temp key an upload of `key` started at `now` (seconds since the epoch) writes.
std::string remote_temp_key(std::string_view key, int64_t now);

// Whether the last component of `key` names an unfinished write.
bool is_remote_temp_key(std::string_view key);

// When the write that left `entry` started (from its name) or last wrote (its
// mtime); nullopt when neither is known.
std::optional<int64_t> remote_temp_time(const RemoteEntry& entry);

struct TempSweep {
  uint64_t removed = 0;
  uint64_t bytes = 0;
};

// Removes the unfinished writes older than kRemoteTempMaxAge at `now`; with
// `dry_run` only counts them. Throws Error(remote) when the remote fails.
TempSweep remove_stale_remote_temps(Remote& remote, int64_t now, bool dry_run);

}  // namespace mlops
