#pragma once
// Reading a params or metrics file (YAML or JSON) into JSON, typed as
// structured_text.hpp says, for bundle manifests and pipeline params.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

// Error(usage) naming the file (as `origin`, when given), line and column
// when it cannot be parsed.
nlohmann::json read_structured_file(const std::filesystem::path& file, const std::string& origin = "");

}  // namespace mlops
