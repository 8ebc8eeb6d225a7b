#pragma once
// The message of the mlops::Error a piece of code throws, for tests that
// check what an error says; the error's code is checked on the way.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "core/error.hpp"

namespace mlops::test {

inline std::string error_text(const std::function<void()>& fn, Errc expected = Errc::usage) {
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL_CHECK("no error thrown");
  return "";
}

}  // namespace mlops::test
