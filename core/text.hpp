#pragma once
// Small string helpers shared across core/ and cli/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

size_t edit_distance(std::string_view a, std::string_view b);
// Candidates close enough to `word` to be what the user meant, best first.
std::vector<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string trim(std::string_view s);
// A whole decimal number; false for anything else (sign, spaces, overflow).
bool parse_u64(std::string_view s, uint64_t& out);
bool starts_with(std::string_view s, std::string_view prefix);
// "1MiB", "64k", "1000" -> bytes; throws Error(usage) naming `what` when malformed.
uint64_t parse_size(std::string_view s, std::string_view what);
// 1536 -> "1.5 KiB"
std::string human_size(uint64_t bytes);
// Text safe inside HTML and SVG elements and quoted attributes: & < > " '
// become character references.
std::string html_escape(std::string_view s);

}  // namespace mlops
