#pragma once
// Pointer files (DESIGN §4): `PATH.mlops` beside a tracked path, committed to
// git, records what the path's content is. Grammar (YAML):
//
//   # mlops pointer: the content of `NAME` lives in the mlops cache
//   outs:
//     - path: NAME          # relative to the pointer file's directory
//       hash: sha256:HEX    # file: its bytes; dir: its root tree manifest
//       kind: file | dir
//       size: BYTES         # dir: sum of the files below
//       files: COUNT        # dir only
//
// Readers accept unknown keys (forward compatibility) and reject malformed
// ones with file:line:column. Writers emit exactly this shape, so diffs stay
// small and stable.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "digest.hpp"

namespace mlops {

enum class OutKind { file, dir };

struct PointerOut {
  std::string path;
  Hash hash;
  OutKind kind = OutKind::file;
  uint64_t size = 0;
  uint64_t files = 0;
};

struct PointerFile {
  std::vector<PointerOut> outs;
};

inline constexpr std::string_view kPointerSuffix = ".mlops";

// `origin` names the text in error messages (a path, or "REV:path").
PointerFile parse_pointer(const std::string& text, const std::string& origin);
PointerFile read_pointer(const std::filesystem::path& file);
std::string format_pointer(const PointerFile& p);
void write_pointer(const std::filesystem::path& file, const PointerFile& p);

}  // namespace mlops
