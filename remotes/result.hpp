#pragma once
// Failures from the network are values (STYLE §3): each backend classifies
// its own errors, and only `transient` ones are retried (RetryingRemote).
#include <string>
#include <utility>
#include <variant>

namespace mlops {

enum class FailureKind {
  not_found,  // the key does not exist
  transient,  // worth retrying: timeouts, resets, 5xx, throttling
  permanent,  // retrying will not help: bad request, protocol error, full disk
  auth,       // credentials, host key, certificate
};

struct Failure {
  FailureKind kind;
  std::string message;  // names the remote and the key; never contains secrets
};

inline std::string_view failure_kind_name(FailureKind k) {
  switch (k) {
    case FailureKind::not_found: return "not found";
    case FailureKind::transient: return "transient";
    case FailureKind::permanent: return "permanent";
    case FailureKind::auth: return "auth";
  }
  return "?";
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Failure f) : v_(std::move(f)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Failure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<T, Failure> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace mlops
