#pragma once
// Runs fn(0..n-1) on up to `jobs` threads (the caller's included). The first
// exception stops the remaining work and is rethrown in the caller; Ctrl-C
// (check_interrupted) is checked between items.
#include <cstddef>
#include <functional>

namespace mlops {

void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn);

}  // namespace mlops
