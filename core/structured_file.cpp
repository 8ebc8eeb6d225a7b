#include "structured_file.hpp"

#include "structured_text.hpp"
#include "yaml_load.hpp"

namespace mlops {

nlohmann::json read_structured_file(const std::filesystem::path& file, const std::string& origin) {
  // JSON is YAML, so a file of another extension is read as YAML.
  TextFormat format = structured_format(file.string()).value_or(TextFormat::yaml);
  const std::string& name = origin.empty() ? file.string() : origin;
  return nlohmann::json(parse_structured(read_yaml_file(file, name), format, name));
}

}  // namespace mlops
