#pragma once
// Random names for objects that must not collide between processes or
// machines writing to one remote: temp files, lock objects, probes.
#include <string>

namespace mlops {

// 16 lowercase hex digits (64 random bits).
std::string random_hex16();

}  // namespace mlops
