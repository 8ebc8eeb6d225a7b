#pragma once
// The dependency graph of a pipeline: stage B depends on stage A when one of
// B's deps is an out of A, lies inside one, or contains one. Building the
// graph checks what the parser cannot see alone: two stages writing the same
// path (or one inside the other) and cycles, both named stage by stage.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "pipeline_spec.hpp"

namespace mlops {

class PipelineGraph {
 public:
  explicit PipelineGraph(const Pipeline& p);

  const Pipeline& pipeline() const { return p_; }
  size_t size() const { return up_.size(); }
  const std::vector<size_t>& upstream(size_t i) const { return up_[i]; }
  const std::vector<size_t>& downstream(size_t i) const { return down_[i]; }
  // All stages in an order where every stage follows its upstream; file
  // order among independent stages.
  const std::vector<size_t>& order() const { return order_; }

  // Stage index by exact name; throws Error(usage) with a suggestion.
  size_t index_of(const std::string& name) const;
  // The stages named by `targets` (a matrix base name selects all its
  // instances) plus, unless `single`, everything they depend on; with
  // `downstream`, everything that depends on them instead. In order().
  std::vector<size_t> select(const std::vector<std::string>& targets, bool single, bool downstream) const;
  // The stage whose out is `path` or contains it.
  std::optional<size_t> producer(const std::string& path) const;

 private:
  const Pipeline& p_;
  std::vector<std::vector<size_t>> up_, down_;
  std::vector<size_t> order_;
  std::vector<std::pair<std::string, size_t>> outs_;  // sorted by path

  void index_outs();
  void link_deps();
  void sort();
};

}  // namespace mlops
