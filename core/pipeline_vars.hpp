#pragma once
// Variables of `mlops.yaml` and `${...}` interpolation (DESIGN §5).
//
// Lookup order: the innermost scope first (a matrix/foreach element's
// `item`/`key`), then `vars`, then the default params file. A name is a
// dotted path through maps, and through lists by index (`layers.0`).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace mlops {

class PipelineVars {
 public:
  // Adds a scope that is searched before all earlier ones.
  void push(YAML::Node scope) { scopes_.push_back(std::move(scope)); }
  void pop() { scopes_.pop_back(); }

  // The value of a dotted name, or a null node when undefined.
  YAML::Node lookup(const std::string& name) const;

  // Replaces every `${name}` in `text`; a value must be a scalar. Throws
  // std::invalid_argument naming the variable; callers add the position.
  std::string interpolate(const std::string& text) const;

  // When `text` is exactly one `${name}`, that value (any type), else null.
  YAML::Node whole(const std::string& text) const;

 private:
  std::vector<YAML::Node> scopes_;
};

}  // namespace mlops
