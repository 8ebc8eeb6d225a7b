#pragma once
// Metrics and params files, flattened to one value per dotted key.
//
// A file is JSON (.json) or YAML (.yaml, .yml); its top level is a mapping
// (an empty YAML file is an empty one):
//
//   file   := { NAME: node, ... }
//   node   := mapping | list | number | string | boolean | null
//
// Nested mappings flatten to `a.b.c`, list items to `a.0`, `a.1`, ...; empty
// mappings and lists contribute no key. Leaves keep their type: integers stay
// integers, floats floats (YAML scalars are typed as structured_text.hpp says).
#include <string>
#include <string_view>
#include <vector>

#include "structured_text.hpp"

namespace mlops {

struct FlatEntry {
  std::string key;  // "train.lr", "layers.0.units"
  Document value;   // a scalar: number, string, boolean or null
};

// In the order of the file.
using FlatValues = std::vector<FlatEntry>;

// Error(usage) naming `origin` when `doc` is not a mapping (or null).
FlatValues flatten(const Document& doc, const std::string& origin);

// Parses and flattens `text`, in the format `path`'s extension names.
// `origin` is how errors name the file ("metrics.json", "HEAD~1:metrics.json").
FlatValues parse_metrics(std::string_view text, const std::string& path, const std::string& origin);

// The entries that any of `keys` stands for, in the file's order: a key
// selects itself and every key below it ("train" selects "train.lr" and
// "train.epochs"); "" selects everything.
FlatValues select_keys(const FlatValues& values, const std::vector<std::string>& keys);

// A value for a table cell: integers as written, floats in their shortest
// exact form or, with precision > 0, rounded to that many significant digits
// (0.123456 at 5 shows as 0.12346, 0.0500000001 as 0.05, 2.5 as 2.5),
// strings unquoted, booleans true/false, null as "null".
std::string value_text(const Document& value, int precision = -1);

}  // namespace mlops
