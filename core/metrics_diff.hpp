#pragma once
// Differences between two versions of flattened metrics or params: per key
// the old and new value, their difference when both are numbers, and whether
// the key was added, removed, changed or left unchanged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics_file.hpp"

namespace mlops {

enum class ChangeState { added, removed, changed, unchanged };

std::string_view state_name(ChangeState s);

struct MetricChange {
  std::string key;
  std::optional<Document> old_value, new_value;  // absent on the side that lacks the key
  // new - old when both are numbers: an integer when both are integers that
  // fit 64 bits, else a float.
  std::optional<Document> change;
  ChangeState state = ChangeState::unchanged;
};

// Every key of either side: the new side's keys in its order, then the keys
// only the old side has, in its order. Numbers compare by value (1 and 1.0
// are the same), NaN equals NaN.
std::vector<MetricChange> diff_metrics(const FlatValues& old_values, const FlatValues& new_values);

// One file's comparison; a side that lacks the file has no values.
struct FileDiff {
  std::string path;
  bool old_missing = false, new_missing = false;
  std::vector<MetricChange> changes;
};

// True when some key was added, removed or changed.
bool has_changes(const FileDiff& d);

}  // namespace mlops
