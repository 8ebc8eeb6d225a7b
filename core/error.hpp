#pragma once
// The one exception type of mlops. Every failure carries a stable category that
// cli/ maps to an exit code (DESIGN §8) and a message that names what it is about.
#include <stdexcept>
#include <string>

namespace mlops {

enum class Errc {
  failure = 1,        // the operation failed
  usage = 2,          // bad arguments or configuration given by the user
  not_a_repo = 3,     // no .mlops/ here or above
  remote = 4,         // remote or network failure
  integrity = 5,      // hash or signature mismatch
  interrupted = 130,  // SIGINT / SIGTERM
};

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  explicit Error(const std::string& message) : Error(Errc::failure, message) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

// "<what>: <strerror(errno)>" as an Error; for failed system calls.
[[noreturn]] void throw_errno(const std::string& what, int err);
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace mlops
