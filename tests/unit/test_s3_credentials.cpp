#include <catch2/catch.hpp>
#include <cstdlib>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "remotes/remote_factory.hpp"
#include "remotes/s3_credentials.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {

// Sets (or unsets, with nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("s3 credentials: the shared credentials file", "[s3]") {
  mlops::test::TempDir d;
  write_file_atomic(d / "credentials",
                    "# comment\n[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret\n\n"
                    "[profile work]\n; comment\naws_access_key_id=WORK\naws_secret_access_key=worksecret\n"
                    "aws_session_token = tok\nregion = ignored\n");
  auto def = read_aws_credentials_file(d / "credentials", "default");
  REQUIRE(def);
  CHECK(def->access_key_id == "DEF");
  CHECK(def->secret_access_key == "defsecret");
  CHECK(def->session_token.empty());
  auto work = read_aws_credentials_file(d / "credentials", "work");
  REQUIRE(work);
  CHECK(work->access_key_id == "WORK");
  CHECK(work->session_token == "tok");
  CHECK_THAT(work->source, Catch::Contains("[work]"));
  CHECK_FALSE(read_aws_credentials_file(d / "credentials", "absent"));
  CHECK_FALSE(read_aws_credentials_file(d / "no-such-file", "default"));
}

TEST_CASE("s3 credentials: options, then environment, then the file", "[s3]") {
  mlops::test::TempDir d;
  write_file_atomic(d / "credentials", "[default]\naws_access_key_id=FILE\naws_secret_access_key=filesecret\n"
                                       "[other]\naws_access_key_id=OTHER\naws_secret_access_key=othersecret\n");
  ScopedEnv file("AWS_SHARED_CREDENTIALS_FILE", (d / "credentials").c_str());
  ScopedEnv profile("AWS_PROFILE", nullptr);
  ScopedEnv token("AWS_SESSION_TOKEN", nullptr);
  RemoteSpec spec;
  spec.name = "r";

  {
    ScopedEnv id("AWS_ACCESS_KEY_ID", "ENV");
    ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "envsecret");
    CHECK(resolve_aws_credentials(spec).access_key_id == "ENV");
    spec.options = {{"access_key_id", "OPT"}, {"secret_access_key", "optsecret"}};
    CHECK(resolve_aws_credentials(spec).access_key_id == "OPT");
    CHECK(resolve_aws_credentials(spec).source == "remote.r.*");
    spec.options.clear();
  }
  {
    ScopedEnv id("AWS_ACCESS_KEY_ID", nullptr);
    ScopedEnv secret("AWS_SECRET_ACCESS_KEY", nullptr);
    CHECK(resolve_aws_credentials(spec).access_key_id == "FILE");
    {
      ScopedEnv p("AWS_PROFILE", "other");
      CHECK(resolve_aws_credentials(spec).access_key_id == "OTHER");
    }
    spec.options = {{"profile", "other"}};
    CHECK(resolve_aws_credentials(spec).access_key_id == "OTHER");
    spec.options = {{"profile", "missing"}};
    CHECK_THROWS_WITH(resolve_aws_credentials(spec), Catch::Contains("profile 'missing'"));
    spec.options = {{"access_key_id", "OPT"}};
    CHECK_THROWS_WITH(resolve_aws_credentials(spec), Catch::Contains("secret_access_key"));
    spec.options.clear();
    ScopedEnv nofile("AWS_SHARED_CREDENTIALS_FILE", (d / "none").c_str());
    CHECK(resolve_aws_credentials(spec).empty());
  }
}
