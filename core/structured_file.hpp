#pragma once
// Reading a params or metrics file (YAML or JSON; JSON is YAML) into JSON,
// for bundle manifests. Scalars keep their type where YAML says it: numbers,
// booleans and null; everything else is a string.
#include <filesystem>
#include <nlohmann/json.hpp>

namespace mlops {

// Error(usage) naming the file, line and column when it cannot be parsed.
nlohmann::json read_structured_file(const std::filesystem::path& file);

}  // namespace mlops
