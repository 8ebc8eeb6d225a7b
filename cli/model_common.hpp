#pragma once
// Pieces shared by the `mlops model` subcommands (cmd_model.cpp,
// model_query.cpp, model_get.cpp): naming a model version on the command line
// and rendering versions and events.
#include <filesystem>
#include <optional>
#include <string>

#include "context.hpp"
#include "core/export_tree.hpp"
#include "core/registry.hpp"

namespace mlops::cli {

// The subcommands of `mlops model`, one setup function each, as the
// command table's rows are.
void setup_model_register(CLI::App& cmd, Context& ctx);
void setup_model_promote(CLI::App& cmd, Context& ctx);
void setup_model_demote(CLI::App& cmd, Context& ctx);
void setup_model_deprecate(CLI::App& cmd, Context& ctx);
void setup_model_list(CLI::App& cmd, Context& ctx);
void setup_model_show(CLI::App& cmd, Context& ctx);
void setup_model_history(CLI::App& cmd, Context& ctx);
void setup_model_which(CLI::App& cmd, Context& ctx);
void setup_model_get(CLI::App& cmd, Context& ctx);

// What the user typed: `NAME`, `NAME@VERSION` (with or without the "v"),
// `NAME@latest` or `NAME#STAGE`. Error(usage) naming `text` otherwise.
struct ModelRef {
  std::string name;
  std::optional<SemVer> version;
  std::string stage;
};
ModelRef parse_model_ref(const std::string& text);
// A version given on its own (`--version 1.2.0`); Error(usage) unless semver.
SemVer parse_version_arg(const std::string& text);

// The version `ref` names (the latest when it names none); `stage`, when not
// empty, asks for the version holding that stage instead. Error(failure)
// when the stage is empty or no version is left.
const ModelVersion& resolve_version(const Registry& reg, const ModelRef& ref, const std::string& stage);

json event_json(const RegistryEvent& e);
json version_json(const Model& m, const ModelVersion& v);
// "churn v1.2.0" for messages.
std::string version_label(const std::string& model, const SemVer& v);
// `model get`: NAME[@VERSION|#STAGE] (or --stage) written to `output` (else
// the artifact's name in `output_dir`, else here), fetching missing objects
// from `remote`.
struct GetArgs {
  std::string ref, stage, output, remote;
  std::filesystem::path output_dir;
  bool force = false;
  int jobs = 0;
};
struct ExportedModel {
  std::string name;
  SemVer version;
  std::string run;  // the run recorded at registration, if any
  Hash hash;
  std::filesystem::path output;
  uint64_t fetched = 0;
  ExportStats stats;
};
ExportedModel export_model(Context& ctx, const GetArgs& args);

// The note after a new tag: tags reach others (and CI) only when pushed.
void note_push(Context& ctx, const RegistryEvent& e);

}  // namespace mlops::cli
