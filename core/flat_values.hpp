#pragma once
// Params and metrics as flat maps of dotted keys to scalars, the shape runs
// record and `exp show` puts in columns: {"train": {"lr": 0.1}} is
// "train.lr" = 0.1, list items are numbered ("layers.0"), and empty
// mappings and lists contribute nothing.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace mlops {

using FlatValues = std::map<std::string, nlohmann::json>;  // dotted key -> scalar
using FileValues = std::map<std::string, FlatValues>;      // file -> its values

// `value` flattened below `prefix` ("" for a whole document) into `out`.
void flatten_into(const nlohmann::json& value, const std::string& prefix, FlatValues& out);
FlatValues flatten(const nlohmann::json& doc);

}  // namespace mlops
