#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/verified_loose.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("the memo vouches only for the exact identity it recorded", "[verified_loose]") {
  TempDir d;
  Hash h = hash_bytes("object");
  LooseIdentity id{1, 2, 3, 4, 5};
  {
    VerifiedLooseMemo memo(d / "verified.sqlite");
    CHECK_FALSE(memo.verified(h, id));
    memo.record(h, id);
    CHECK(memo.verified(h, id));
    LooseIdentity touched = id;
    touched.ctime_ns++;
    CHECK_FALSE(memo.verified(h, touched));
    CHECK_FALSE(memo.verified(hash_bytes("other"), id));
  }
  VerifiedLooseMemo reopened(d / "verified.sqlite");
  CHECK(reopened.verified(h, id));
}

TEST_CASE("a damaged memo is recreated, never trusted", "[verified_loose]") {
  TempDir d;
  write_file_atomic(d / "verified.sqlite", std::string(8192, '\x5a'));
  VerifiedLooseMemo memo(d / "verified.sqlite");
  Hash h = hash_bytes("object");
  LooseIdentity id{1, 2, 3, 4, 5};
  CHECK_FALSE(memo.verified(h, id));
  memo.record(h, id);
  CHECK(memo.verified(h, id));
}
