#include "bundle_common.hpp"

#include <stdlib.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>

#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/signing_key_store.hpp"
#include "core/structured_file.hpp"
#include "core/tracked.hpp"
#include "core/unique_fd.hpp"
#include "core/workspace.hpp"
#include "model_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The commit of HEAD when `dir` is in a git work tree with commits.
std::string head_commit(const fs::path& dir) {
  try {
    if (auto git = GitHistory::open_if_any(dir)) return git->resolve("HEAD");
  } catch (const Error&) {  // unborn branch: no commit to record
  }
  return {};
}

}  // namespace

void add_bundle_options(CLI::App& cmd, BundleArgs& a) {
  cmd.add_option("--name", a.name, "Model name (default: the path's last component)");
  cmd.add_option("--version", a.version, "Model version (default: 12 hex digits of the content's digest)");
  cmd.add_option("--stage", a.stage, "With a registered model NAME: the version this stage holds");
  cmd.add_option("--key", a.key, "Signing key from `mlops keys list`")->capture_default_str();
  cmd.add_option("--passphrase-file", a.passphrase_file, "Passphrase of an encrypted key: first line of FILE")
      ->type_name("FILE");
  add_health_options(cmd, a);
  cmd.add_option("--run", a.run, "Id of the run that produced the model");
  cmd.add_option("--params", a.params_file, "Parameters to record (YAML or JSON file)")->type_name("FILE");
  cmd.add_option("--metrics", a.metrics_file, "Metrics to record (YAML or JSON file)")->type_name("FILE");
  cmd.add_option("--requires", a.requires_, "Device requirement to record (repeatable)")->type_name("KEY=VALUE");
}

void add_health_options(CLI::App& cmd, BundleArgs& a) {
  cmd.add_option("--health-cmd", a.health_cmd,
                 "Shell command a device runs in the new version's directory; "
                 "a non-zero exit rolls back")
      ->type_name("CMD");
  cmd.add_option("--health-url", a.health_url, "URL that must answer 2xx after activation")->type_name("URL");
  cmd.add_option("--health-timeout", a.health_timeout, "Seconds the health check may take")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
}

std::optional<HealthCheck> health_from_args(const BundleArgs& a) {
  if (a.health_cmd.empty() && a.health_url.empty()) return std::nullopt;
  if (!a.health_cmd.empty() && !a.health_url.empty())
    throw Error(Errc::usage, "give --health-cmd or --health-url, not both");
  return HealthCheck{a.health_cmd, a.health_url, a.health_timeout};
}

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "mlops-bundle.XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw_errno("cannot create a temporary directory");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

// A path that does not exist but reads as a registry reference (or comes
// with --stage) is a registered version: its artifact is written to
// `scratch` and bundled from there.
void from_registry(Context& ctx, BundleArgs& a, std::optional<ScratchDir>& scratch) {
  std::error_code ec;
  if (fs::exists(a.path, ec) || (a.stage.empty() && a.path.find_first_of("@#") == std::string::npos)) return;
  GetArgs get;
  get.ref = a.path;
  get.stage = a.stage;
  get.output_dir = scratch.emplace().path();
  ExportedModel m = export_model(ctx, get);
  a.path = m.output.string();
  if (a.name.empty()) a.name = m.name;
  if (a.version.empty()) a.version = m.version.str();
  if (a.run.empty()) a.run = m.run;
}

}  // namespace

CreatedBundle build_bundle(Context& ctx, const BundleArgs& args, const fs::path& output_dir) {
  BundleArgs a = args;
  std::optional<ScratchDir> scratch;  // outlives the bundle's creation, which reads from it
  from_registry(ctx, a, scratch);
  BundleOptions o;
  o.name = a.name;
  o.version = a.version;
  o.run = a.run;
  o.health = health_from_args(a);
  o.output = a.output;
  o.output_dir = output_dir;
  if (!a.params_file.empty()) o.params = read_structured_file(a.params_file);
  if (!a.metrics_file.empty()) o.metrics = read_structured_file(a.metrics_file);
  for (const auto& kv : a.requires_) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw Error(Errc::usage, "--requires expects KEY=VALUE, got '" + kv + "'");
    o.requirements[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::error_code ec;
  if (!fs::exists(a.path, ec)) throw Error(Errc::usage, a.path + ": no such file or directory");

  KeyStore store;
  std::optional<std::string> pass;
  if (!a.passphrase_file.empty()) pass = read_passphrase_file(a.passphrase_file);
  SigningKey key = store.load_secret(a.key, pass);

  // A tracked path is bundled as its pointer records it, from the cache.
  Repo* repo = Repo::find_root(fs::current_path()) ? &ctx.repo() : nullptr;
  std::unique_ptr<Workspace> ws;
  std::unique_ptr<BundleSource> source;
  if (repo) {
    o.git_commit = head_commit(repo->root());
    std::string rel;
    try {
      rel = repo_relative(repo->root(), fs::current_path(), a.path);
    } catch (const Error&) {  // outside the repository: a plain path
    }
    for (const auto& t : find_tracked(repo->root())) {
      if (t.path != rel) continue;
      ws = std::make_unique<Workspace>(*repo);
      source = tracked_source(ws->store(), t.out);
      break;
    }
  } else {
    o.git_commit = head_commit(fs::current_path());
  }
  if (!source) source = path_source(a.path);
  auto progress = ctx.out().progress();
  return create_bundle(*source, o, key, *progress);
}

bool is_bundle_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  if (path.extension() == kBundleExtension) return true;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  char name[8] = {};
  return fd && ::read(fd.get(), name, sizeof name) == sizeof name && std::memcmp(name, "version", 8) == 0;
}

json manifest_summary(const BundleManifest& m, const Hash& digest) {
  return {{"name", m.name},         {"version", m.version},    {"created", m.created},
          {"digest", digest.str()}, {"files", m.files.size()}, {"size", m.total_size()}};
}

}  // namespace mlops::cli
