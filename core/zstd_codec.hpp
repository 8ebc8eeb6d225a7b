#pragma once
// zstd for objects a remote stores compressed (DESIGN §3): whole buffers for
// pack entries, streams for large loose objects, so neither side ever holds a
// large object in memory. Every frame written here records its content size
// and a checksum.
//
// Decoding never trusts a frame: output is produced only as the input really
// decodes, a buffer decode stops at `max_size`, and any error is
// Error(integrity) naming `where`. The caller re-hashes what comes out.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mlops {

// The level `compress: true` means: zstd's own default, fast and useful.
inline constexpr int kDefaultZstdLevel = 3;
inline constexpr int kMaxZstdLevel = 19;

std::string zstd_compress(std::string_view data, int level);
// One or more frames whose decoded size must not exceed `max_size`.
std::string zstd_decompress(std::string_view frames, uint64_t max_size, const std::string& where);

// Compresses the rest of `in` (from its current position) onto `out`;
// returns the bytes written. Errors name the files.
uint64_t zstd_compress_stream(int in, const std::filesystem::path& in_path, int out,
                              const std::filesystem::path& out_path, int level);
// Decodes the rest of `in` onto `out`; returns the bytes written.
uint64_t zstd_decompress_stream(int in, const std::filesystem::path& in_path, int out,
                                const std::filesystem::path& out_path, const std::string& where);

// True when zstd at `level` shrinks `sample` by at least 1/32: the cheap test
// that keeps random data (most datasets of images, audio, archives) from
// paying for a full compression that gains nothing.
bool worth_compressing(std::string_view sample, int level);

}  // namespace mlops
