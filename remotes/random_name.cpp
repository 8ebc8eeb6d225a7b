#include "random_name.hpp"

#include <cstdint>
#include <random>

namespace mlops {

std::string random_hex16() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  uint64_t x = rng();
  for (int i = 0; i < 16; ++i, x >>= 4) s += kHex[x & 0xF];
  return s;
}

}  // namespace mlops
