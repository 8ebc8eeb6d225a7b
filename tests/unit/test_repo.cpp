#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

#include "core/error.hpp"
#include "core/repo.hpp"
#include "core/repo_lock.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {
// Another process holding the lock `file`, recording `command`, until killed.
class HeldElsewhere {
 public:
  HeldElsewhere(const fs::path& file, const std::string& command) {
    REQUIRE(::pipe(ready_) == 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      RepoLock held(file, std::chrono::seconds(1), "the repository", {command, {}});
      char c = 'x';
      [[maybe_unused]] auto n = ::write(ready_[1], &c, 1);
      ::sleep(3);
      ::_exit(0);
    }
    char c;
    REQUIRE(::read(ready_[0], &c, 1) == 1);
  }
  ~HeldElsewhere() {
    release();
    ::close(ready_[0]);
    ::close(ready_[1]);
  }
  // The kernel releases a dead holder's lock.
  void release() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  pid_t pid() const { return pid_; }

 private:
  int ready_[2] = {-1, -1};
  pid_t pid_ = 0;
};
}  // namespace

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

TEST_CASE("a process waiting for the repository lock is told who holds it, once", "[repo]") {
  TempDir d;
  HeldElsewhere holder(d / "lock", "mlops checkout");
  std::vector<LockHolder> told;
  LockWaitOptions wait{"mlops add", [&](const LockHolder& h) { told.push_back(h); }, std::chrono::milliseconds(100)};
  CHECK_THROWS_WITH(RepoLock(d / "lock", std::chrono::milliseconds(600), "the repository", wait),
                    Catch::Contains("(mlops checkout) on host "));
  REQUIRE(told.size() == 1);
  CHECK(told[0].pid == std::to_string(holder.pid()));
  CHECK(told[0].command == "mlops checkout");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(told[0].host == host);
  CHECK(told[0].describe() == "pid " + std::to_string(holder.pid()) + " (mlops checkout) on host " + host);
}

TEST_CASE("the repository lock says who holds it", "[repo]") {
  TempDir d;
  auto lock_file = d / "lock";
  HeldElsewhere holder(lock_file, "");
  CHECK_THROWS_WITH(RepoLock(lock_file, std::chrono::milliseconds(200)),
                    Catch::Contains("pid " + std::to_string(holder.pid())));
  holder.release();
  CHECK_NOTHROW(RepoLock(lock_file, std::chrono::milliseconds(500)));
}
