#pragma once
// The error category `fn` throws; a test failure when it throws none.
#include <catch2/catch.hpp>
#include <functional>

#include "core/error.hpp"

namespace mlops::test {

inline Errc code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no error thrown");
  return Errc::failure;
}

}  // namespace mlops::test
