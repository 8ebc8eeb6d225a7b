#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "core/error.hpp"
#include "core/repo.hpp"
#include "core/repo_lock.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("init without git needs --no-git; discovery walks up", "[repo]") {
  TempDir d;
  CHECK_THROWS_WITH(init_repo(d.path(), {}), Catch::Contains("not inside a git work tree"));
  InitOptions o;
  o.no_git = true;
  auto r = init_repo(d.path(), o);
  CHECK_FALSE(r.already);
  CHECK(fs::exists(d / ".mlops/config.yaml"));
  CHECK(fs::is_directory(d / ".mlops/cache"));
  CHECK(init_repo(d.path(), o).already);  // idempotent
  fs::create_directories(d / "a/b");
  Repo repo = Repo::discover(d / "a/b");
  CHECK(repo.root() == fs::canonical(d.path()));
  CHECK(repo.cache_dir() == repo.root() / ".mlops/cache");
}

TEST_CASE("outside a repository is Errc::not_a_repo", "[repo]") {
  TempDir d;
  try {
    Repo::discover(d.path());
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::not_a_repo);
  }
}

TEST_CASE("the repository lock says who holds it", "[repo]") {
  TempDir d;
  auto lock_file = d / "lock";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  if (child == 0) {
    RepoLock held(lock_file, std::chrono::seconds(1));
    char c = 'x';
    [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
    ::sleep(3);
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK_THROWS_WITH(RepoLock(lock_file, std::chrono::milliseconds(200)),
                    Catch::Contains("pid " + std::to_string(child)));
  ::kill(child, SIGKILL);  // the kernel releases a dead holder's lock
  ::waitpid(child, nullptr, 0);
  CHECK_NOTHROW(RepoLock(lock_file, std::chrono::milliseconds(500)));
  ::close(ready[0]);
  ::close(ready[1]);
}
