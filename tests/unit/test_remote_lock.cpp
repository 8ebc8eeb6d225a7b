#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "error_code.hpp"
#include "remotes/local_remote.hpp"
#include "remotes/remote_lock.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;

namespace {

std::string host() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

size_t lock_count(Remote& r) { return r.list("locks/").value().size(); }

}  // namespace

TEST_CASE("lock objects round-trip and malformed ones are rejected", "[remote_lock]") {
  LockInfo info{LockKind::exclusive, "gc", "box", 42, 1700000000};
  auto back = parse_lock(format_lock(info));
  REQUIRE(back);
  CHECK(back->kind == LockKind::exclusive);
  CHECK(back->operation == "gc");
  CHECK(back->host == "box");
  CHECK(back->pid == 42);
  CHECK(back->time == 1700000000);
  CHECK_FALSE(parse_lock(""));
  CHECK_FALSE(parse_lock("mlops-remote-lock 2\nkind shared\noperation push\nhost h\npid 1\ntime 1\n"));
  CHECK_FALSE(parse_lock("mlops-remote-lock 1\nkind weird\noperation push\nhost h\npid 1\ntime 1\n"));
  CHECK_FALSE(parse_lock("mlops-remote-lock 1\nkind shared\noperation push\nhost h\npid x\ntime 1\n"));
}

TEST_CASE("a lock is stale when old or when its process on this host is gone", "[remote_lock]") {
  int64_t now = ::time(nullptr);
  LockInfo mine{LockKind::shared, "push", host(), ::getpid(), now};
  CHECK_FALSE(lock_is_stale(mine, now, host()));
  mine.time = now - 31 * 60;
  CHECK(lock_is_stale(mine, now, host()));
  LockInfo dead{LockKind::shared, "push", host(), 999999999, now};
  CHECK(lock_is_stale(dead, now, host()));
  CHECK_FALSE(lock_is_stale(dead, now, "some-other-host"));  // cannot tell from here: trust its age
}

TEST_CASE("exclusive locks exclude everyone; shared locks only exclusive ones", "[remote_lock]") {
  TempDir d;
  LocalRemote remote(d / "remote");
  {
    RemoteLock push1(remote, LockKind::shared, "push");
    RemoteLock push2(remote, LockKind::shared, "push");
    CHECK(lock_count(remote) == 2);
    CHECK(test::code_of([&] { RemoteLock gc(remote, LockKind::exclusive, "gc"); }) == Errc::remote);
    CHECK(lock_count(remote) == 2);  // the refused lock is removed again
  }
  CHECK(lock_count(remote) == 0);
  {
    RemoteLock gc(remote, LockKind::exclusive, "gc");
    CHECK(test::code_of([&] { RemoteLock push(remote, LockKind::shared, "push"); }) == Errc::remote);
    CHECK(test::code_of([&] { RemoteLock other(remote, LockKind::exclusive, "gc"); }) == Errc::remote);
  }
  // A killed push's lock neither blocks gc nor survives it.
  LockInfo killed{LockKind::shared, "push", host(), 999999999, ::time(nullptr)};
  REQUIRE(remote.put_bytes("locks/0123456789abcdef", format_lock(killed)).ok());
  RemoteLock gc(remote, LockKind::exclusive, "gc");
  CHECK(gc.remove_stale() == 1);
  CHECK(lock_count(remote) == 1);
}
