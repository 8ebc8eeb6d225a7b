#pragma once
// Reproducible incompressible test data: the same seed gives the same bytes.
#include <cstdint>
#include <random>
#include <string>

namespace mlops::test {

inline std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace mlops::test
