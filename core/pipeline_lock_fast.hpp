#pragma once
// A reader for mlops.lock exactly as format_lock() writes it: line by line,
// no general YAML. yaml-cpp takes ~10 µs a line, which made reading the lock
// of a 1,000-stage pipeline most of a no-op `repro`. Anything this reader
// does not expect (hand edits, merge results, other emitters) returns
// nullopt, and parse_lock() reads the text with yaml-cpp instead.
#include <optional>
#include <string>

#include "pipeline_lock.hpp"

namespace mlops {

std::optional<PipelineLock> parse_lock_fast(const std::string& text, const std::string& origin);

}  // namespace mlops
