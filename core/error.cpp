#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace mlops {

void throw_errno(const std::string& what, int err) {
  throw Error(Errc::failure, what + ": " + std::strerror(err));
}

void throw_errno(const std::string& what) { throw_errno(what, errno); }

}  // namespace mlops
