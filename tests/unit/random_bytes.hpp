#pragma once
// Reproducible test data: the same seed gives the same bytes. random_bytes()
// is incompressible; compressible_text() looks like a training log.
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

inline std::string compressible_text(size_t n, int seed = 0) {
  std::string s;
  while (s.size() < n) s += "step " + std::to_string(s.size() % 1013 + seed) + " loss 0.125 lr 3e-4\n";
  s.resize(n);
  return s;
}

}  // namespace mlops::test
