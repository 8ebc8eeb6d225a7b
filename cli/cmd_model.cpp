// `mlops model`: the model registry in git tags (core/registry.hpp). This
// file holds the command and the subcommands that write tags; the readers
// are in model_query.cpp and model_get.cpp.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/model_artifact.hpp"
#include "core/workspace.hpp"
#include "model_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The first version of a model, when --version does not say.
const SemVer kFirstVersion{1, 0, 0, {}, {}};

struct RegisterArgs {
  std::string name, version, bump, path, stage_out, message, run;
};

// `--stage-out STAGE:OUT` as (stage, out).
std::pair<std::string, std::string> split_stage_out(const std::string& spec) {
  auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw Error(Errc::usage, "--stage-out takes STAGE:OUT, e.g. train:models/model.pkl; got '" + spec + "'");
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

// The artifact to register: --path (relative to here), or --stage-out,
// whose out is repo-relative as mlops.yaml writes it.
CommittedArtifact artifact_to_register(Context& ctx, Workspace& ws, const RegisterArgs& a) {
  GitHistory git(ctx.repo().root());
  if (a.stage_out.empty()) {
    if (a.path.empty()) throw Error(Errc::usage, "name the artifact: --path PATH or --stage-out STAGE:OUT");
    return committed_artifact(ws, git, fs::current_path(), a.path);
  }
  auto [stage, out] = split_stage_out(a.stage_out);
  Hash recorded = lock_out_hash(ctx.repo().root(), stage, out);
  CommittedArtifact art = committed_artifact(ws, git, ctx.repo().root(), out);
  if (art.record.hash != recorded)
    throw Error(Errc::failure, out + ": " + art.pointer + " and stage '" + stage + "' in mlops.lock record different content");
  return art;
}

SemVer version_to_register(const Registry& reg, const RegisterArgs& a) {
  if (!a.version.empty()) return parse_version_arg(a.version);
  auto it = reg.models().find(a.name);
  const ModelVersion* greatest = it == reg.models().end() ? nullptr : it->second.greatest();
  if (!a.bump.empty()) {
    if (!greatest)
      throw Error(Errc::usage, "'" + a.name + "' has no version to bump; register the first one with --version (default " +
                                   kFirstVersion.tag() + ")");
    return bump(greatest->version, *parse_bump_part(a.bump));
  }
  if (greatest)
    throw Error(Errc::usage, "'" + a.name + "' already has versions (greatest: " + greatest->version.tag() +
                                 "); give --version or --bump major|minor|patch");
  return kFirstVersion;
}

json written(const RegistryEvent& e) {
  json j = event_json(e);
  const ArtifactRecord& r = e.message.record;
  j["path"] = r.path.empty() ? json(nullptr) : json(r.path);
  j["hash"] = r.hash ? json(r.hash->str()) : json(nullptr);
  return j;
}

}  // namespace

void setup_model_register(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<RegisterArgs>();
  cmd.add_option("name", a->name, "Model name: lowercase letters, digits and '-'")->required();
  auto* version = cmd.add_option("--version", a->version, "Version to register, e.g. 1.2.0 (default for the first: 1.0.0)");
  cmd.add_option("--bump", a->bump, "Register the next version after the greatest one")
      ->check(CLI::IsMember({"major", "minor", "patch"}))
      ->excludes(version);
  auto* path = cmd.add_option("--path", a->path, "The tracked path (file or directory) the version is");
  cmd.add_option("--stage-out", a->stage_out, "Or: the out OUT of pipeline stage STAGE, as mlops.lock records it")
      ->type_name("STAGE:OUT")
      ->excludes(path);
  cmd.add_option("-m,--message", a->message, "Message of the tag");
  cmd.add_option("--run", a->run, "Id of the run that produced the artifact, recorded in the tag");
  cmd.footer(
      "Creates the annotated tag NAME@vX.Y.Z on HEAD. Its message records the path, the content\n"
      "hash from the committed pointer file and the run id, so the registration says exactly\n"
      "which bytes it stands for. The pointer file must be committed and the workspace content\n"
      "must match it. --stage-out takes the path from a pipeline stage's outs in mlops.lock, which\n"
      "must be committed likewise.\n\n"
      "Example:\n  mlops model register churn --path models/churn.pkl --bump minor\n"
      "  git push origin churn@v1.1.0");
  ctx.on_run(&cmd, [&ctx, a] {
    check_registry_name(a->name, "model");
    Workspace ws(ctx.repo());
    Registry reg(ctx.repo().root());
    SemVer v = version_to_register(reg, *a);
    reg.check_new_version(a->name, v);  // before the workspace scan, which may take a while
    CommittedArtifact art = artifact_to_register(ctx, ws, *a);
    art.record.run = a->run;
    RegistryEvent e = reg.register_version(a->name, v, art.commit, art.record, a->message);
    ctx.out().result(written(e), [&] {
      ctx.out().line("registered " + version_label(a->name, v) + " (tag " + e.tag + " on " + e.commit.substr(0, 12) + ")");
    });
    if (!art.in_workspace)
      ctx.out().warn(art.record.path + " is not in the workspace; registered what " + art.pointer + " records in HEAD");
    note_push(ctx, e);
  });
}

void setup_model_promote(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string ref, stage, message;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("version", a->ref, "NAME@VERSION to promote")->required();
  cmd.add_option("-s,--stage", a->stage, "Stage to assign it to, e.g. staging, prod")->required();
  cmd.add_option("-m,--message", a->message, "Message of the tag");
  cmd.footer(
      "Creates the tag NAME#STAGE#N on the version's commit (N counts the stage's events). The\n"
      "stage then holds this version: `mlops model which NAME --stage STAGE` prints it.\n\n"
      "Example:\n  mlops model promote churn@1.1.0 --stage prod");
  ctx.on_run(&cmd, [&ctx, a] {
    ModelRef ref = parse_model_ref(a->ref);
    if (!ref.version) throw Error(Errc::usage, "name the version to promote: NAME@VERSION, e.g. " + ref.name + "@1.0.0");
    Registry reg(ctx.repo().root());
    RegistryEvent e = reg.assign(ref.name, *ref.version, a->stage, a->message);
    ctx.out().result(written(e), [&] {
      ctx.out().line("promoted " + version_label(ref.name, *e.version) + " to " + a->stage + " (tag " + e.tag + ")");
    });
    note_push(ctx, e);
  });
}

void setup_model_demote(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string name, stage, message;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("name", a->name, "Model name")->required();
  cmd.add_option("-s,--stage", a->stage, "Stage to take the current version out of")->required();
  cmd.add_option("-m,--message", a->message, "Message of the tag");
  cmd.footer(
      "Creates the tag NAME#STAGE!#N, unassigning the version that holds the stage. The stage\n"
      "goes back to the version assigned before it, if that one is still assigned; else it is\n"
      "empty.\n\nExample:\n  mlops model demote churn --stage prod");
  ctx.on_run(&cmd, [&ctx, a] {
    Registry reg(ctx.repo().root());
    RegistryEvent e = reg.unassign(a->name, a->stage, a->message);
    const ModelVersion* now = reg.model(a->name).in_stage(a->stage);
    json doc = written(e);
    doc["now"] = now ? json(now->version.tag()) : json(nullptr);
    ctx.out().result(doc, [&] {
      ctx.out().line("unassigned " + version_label(a->name, *e.version) + " from " + a->stage + " (tag " + e.tag + "); " +
                     a->stage + (now ? " now holds " + now->version.tag() : std::string(" is now empty")));
    });
    note_push(ctx, e);
  });
}

void setup_model_deprecate(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string ref, message;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("model", a->ref, "NAME to deprecate the model, NAME@VERSION to deregister one version")->required();
  cmd.add_option("-m,--message", a->message, "Message of the tag");
  cmd.footer(
      "NAME@VERSION creates NAME@vX.Y.Z!#N: the version leaves every stage and is no longer the\n"
      "latest. NAME creates NAME@deprecated#N: the model holds no stage and takes no new\n"
      "versions or promotions. Both are final; delete the tag to undo.\n\n"
      "Example:\n  mlops model deprecate churn@1.0.0");
  ctx.on_run(&cmd, [&ctx, a] {
    ModelRef ref = parse_model_ref(a->ref);
    if (!ref.stage.empty()) throw Error(Errc::usage, "to take a version out of a stage, use `mlops model demote`");
    Registry reg(ctx.repo().root());
    RegistryEvent e = ref.version ? reg.deregister(ref.name, *ref.version, a->message) : reg.deprecate(ref.name, a->message);
    ctx.out().result(written(e), [&] {
      ctx.out().line((ref.version ? "deregistered " + version_label(ref.name, *e.version) : "deprecated " + ref.name) +
                     " (tag " + e.tag + ")");
    });
    note_push(ctx, e);
  });
}

void setup_model(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "The registry lives in git tags, GTO-style, so a clone that fetched tags sees the same\n"
      "registry and a pushed tag can trigger CI: NAME@vX.Y.Z registers a version, NAME#STAGE#N\n"
      "assigns it to a stage, NAME#STAGE!#N unassigns it, NAME@vX.Y.Z!#N deregisters it and\n"
      "NAME@deprecated#N deprecates the model.\n\n"
      "Example:\n  mlops model register churn --path models/churn.pkl\n"
      "  mlops model promote churn@1.0.0 --stage prod\n  mlops model get churn --stage prod -o /srv/churn.pkl");
  cmd.require_subcommand(1);
  struct Sub {
    const char* name;
    const char* summary;
    void (*setup)(CLI::App&, Context&);
  };
  static constexpr Sub kSubs[] = {
      {"register", "Register a new version of a model (tag NAME@vX.Y.Z)", setup_model_register},
      {"promote", "Assign a version to a stage (tag NAME#STAGE#N)", setup_model_promote},
      {"demote", "Take the current version out of a stage (tag NAME#STAGE!#N)", setup_model_demote},
      {"deprecate", "Deregister a version, or deprecate a whole model", setup_model_deprecate},
      {"list", "List models with their latest version and stages", setup_model_list},
      {"show", "Show a version: commit, path, hash, tagger, message", setup_model_show},
      {"history", "Every registry event of a model, oldest first", setup_model_history},
      {"which", "Print the version a stage holds", setup_model_which},
      {"get", "Write a version's artifact to a path, fetching it if needed", setup_model_get},
  };
  for (const auto& s : kSubs) s.setup(*cmd.add_subcommand(s.name, s.summary), ctx);
}

}  // namespace mlops::cli
