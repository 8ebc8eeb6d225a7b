#pragma once
// Variables of `mlops.yaml` and `${...}` interpolation (DESIGN §5).
//
// Lookup order: the innermost scope first (a matrix/foreach element's
// `item`/`key`), then `vars`, then the default params file. A name is a
// dotted path through maps, and through lists by index (`layers.0`).
//
// A scope is a list of named nodes, not a YAML mapping built for it: yaml-cpp
// makes a node added to a mapping share the memory of the whole document it
// came from (copying that document's node set), which cost a copy per
// foreach item, quadratic time in the number of items.
#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

namespace mlops {

class PipelineVars {
 public:
  // Names and their values; a later entry hides an earlier one of its name.
  using Scope = std::vector<std::pair<std::string, YAML::Node>>;
  // The entries of a mapping (none for any other node).
  static Scope entries(const YAML::Node& map);

  // Adds a scope that is searched before all earlier ones.
  void push(Scope scope) { scopes_.push_back(std::move(scope)); }
  void pop() { scopes_.pop_back(); }

  // The value of a dotted name, or a null node when undefined.
  YAML::Node lookup(const std::string& name) const;

  // Replaces every `${name}` in `text`; a value must be a scalar. Throws
  // std::invalid_argument naming the variable; callers add the position.
  std::string interpolate(const std::string& text) const;

  // When `text` is exactly one `${name}`, that value (any type), else null.
  YAML::Node whole(const std::string& text) const;

 private:
  std::vector<Scope> scopes_;
};

}  // namespace mlops
