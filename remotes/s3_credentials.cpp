#include "s3_credentials.hpp"

#include <cstdlib>
#include <fstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "remote_factory.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

void check_complete(const AwsCredentials& c, const std::string& id_name, const std::string& secret_name) {
  if (c.access_key_id.empty() && !c.secret_access_key.empty())
    throw Error(Errc::usage, c.source + " has " + secret_name + " but no " + id_name);
  if (!c.access_key_id.empty() && c.secret_access_key.empty())
    throw Error(Errc::usage, c.source + " has " + id_name + " but no " + secret_name);
}

}  // namespace

std::optional<AwsCredentials> read_aws_credentials_file(const fs::path& file, const std::string& profile) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  AwsCredentials c;
  bool found = false, inside = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string section = trim(t.substr(1, t.size() - 2));
      if (starts_with(section, "profile ")) section = trim(section.substr(8));
      inside = section == profile;
      found = found || inside;
      continue;
    }
    auto eq = t.find('=');
    if (!inside || eq == std::string::npos) continue;
    std::string key = trim(t.substr(0, eq)), value = trim(t.substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value;
    else if (key == "aws_secret_access_key") c.secret_access_key = value;
    else if (key == "aws_session_token") c.session_token = value;
  }
  if (!found) return std::nullopt;
  c.source = file.string() + " [" + profile + "]";
  return c;
}

AwsCredentials resolve_aws_credentials(const RemoteSpec& spec) {
  AwsCredentials c;
  c.access_key_id = spec.option("access_key_id");
  c.secret_access_key = spec.option("secret_access_key");
  c.session_token = spec.option("session_token");
  c.source = "remote." + spec.name + ".*";
  if (!c.empty()) {
    check_complete(c, "access_key_id", "secret_access_key");
    return c;
  }
  c.access_key_id = env("AWS_ACCESS_KEY_ID");
  c.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  c.source = "the environment";
  if (!c.empty()) {
    check_complete(c, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    return c;
  }
  std::string configured = spec.option("profile");
  std::string profile = !configured.empty() ? configured : env("AWS_PROFILE").empty() ? "default" : env("AWS_PROFILE");
  fs::path file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = fs::path(env("HOME")) / ".aws" / "credentials";
  if (!file.empty()) {
    if (auto from_file = read_aws_credentials_file(file, profile)) {
      check_complete(*from_file, "aws_access_key_id", "aws_secret_access_key");
      if (!from_file->empty()) return *from_file;
    }
  }
  if (!configured.empty())
    throw Error(Errc::usage, "remote '" + spec.name + "': profile '" + profile + "' is not in " +
                                 (file.empty() ? std::string("~/.aws/credentials") : file.string()));
  return AwsCredentials{{}, {}, {}, "no credentials (anonymous requests)"};
}

}  // namespace mlops
