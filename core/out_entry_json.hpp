#pragma once
// One `outs` entry ({path, hash, kind, size, files}) as JSON: the shape of
// out entries in run-cache entries and run records, read and written in one
// place (out_entry_yaml.hpp is its YAML twin for pointer and lock files).
#include <nlohmann/json.hpp>
#include <string>

#include "pointer_file.hpp"

namespace mlops {

nlohmann::json out_entry_json(const PointerOut& out);
// Throws nlohmann::json exceptions or Error(usage) on a malformed entry or a
// path workspace_path.hpp calls unsafe; callers wrap them into an
// Error(integrity) naming their file.
PointerOut parse_out_entry_json(const nlohmann::json& entry);

}  // namespace mlops
