#pragma once
// One `outs` entry ({path, hash, kind, size, files}) as YAML: the shape
// shared by pointer files and mlops.lock, read and written in one place.
#include <yaml-cpp/yaml.h>

#include <string>

#include "pointer_file.hpp"

namespace mlops {

// `origin` names the text in errors, `file_kind` what it is ("lock file");
// `path` must be relative without "..".
PointerOut parse_out_entry(const std::string& origin, const YAML::Node& entry, std::string_view file_kind);
// A block-sequence item "<indent>- path: ...\n<indent>  hash: ...\n...".
std::string format_out_entry(const PointerOut& out, const std::string& indent);
// `s` as a YAML scalar, double-quoted when plain YAML would read a non-string.
std::string yaml_string(const std::string& s);

}  // namespace mlops
