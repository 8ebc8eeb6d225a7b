#pragma once
// The one loader of every YAML text mlops reads (config files, mlops.yaml,
// mlops.lock, pointer files, params, metrics and plots), so a crafted file
// gets the same clear error wherever it is read instead of exhausting memory,
// the stack or the CPU.
//
// Contract: before yaml-cpp builds a node tree, the text is walked once as a
// stream of events and refused with Error(usage)
// "ORIGIN[:LINE:COLUMN]: invalid YAML: WHY" when
//   - it is longer than kYamlMaxBytes;
//   - its first document has more than max(kYamlMaxNodes, its length in
//     bytes) nodes, every alias counted as a copy of the node it names (a
//     text without aliases never has more nodes than bytes, so only alias
//     expansion, the "billion laughs", can reach the bound);
//   - it nests deeper than kYamlMaxDepth collections, aliases included;
//   - an alias names a collection that contains it (a cycle);
//   - a mapping key is not a plain value (`? [a, b]`), or a mapping has the
//     same key twice (yaml-cpp keeps both, and readers would take one of
//     them silently); the error names the second occurrence.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mlops {

inline constexpr size_t kYamlMaxBytes = size_t{64} << 20;
inline constexpr uint64_t kYamlMaxNodes = 1'000'000;
inline constexpr int kYamlMaxDepth = 100;

// The first document of `text` (a null node when there is none), checked as
// above; YAML syntax errors are reported the same way, with their position.
YAML::Node load_yaml(std::string_view text, const std::string& origin);

// The text of a YAML (or JSON) file: Error(usage) naming `origin` when it is
// not a regular file (a FIFO would block the read) or is longer than
// kYamlMaxBytes, checked before anything is read.
std::string read_yaml_file(const std::filesystem::path& file, const std::string& origin);

// Error(usage) naming `origin` when `size` bytes is more than kYamlMaxBytes.
void check_yaml_size(uintmax_t size, const std::string& origin);

}  // namespace mlops
