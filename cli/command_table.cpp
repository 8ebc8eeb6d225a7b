#include "command_table.hpp"

#include <array>

#include "commands.hpp"
#include "version.hpp"

namespace mlops::cli {
namespace {

// Rows whose name starts with "__" are internal (build-time generators):
// hidden from help, man pages and completions.
constexpr std::array kCommands{
    Command{"init", "Create an mlops repository in the current directory", setup_init},
    Command{"config", "Get, set and list configuration values", setup_config},
    Command{"add", "Track files and directories: store them in the cache, write pointer files", setup_add},
    Command{"status", "Show how tracked paths in the workspace differ from their pointer files", setup_status},
    Command{"checkout", "Restore tracked paths in the workspace from the cache", setup_checkout},
    Command{"commit", "Record workspace changes of tracked paths in the cache and pointer files", setup_commit},
    Command{"rm", "Stop tracking paths (the cache keeps their content until gc)", setup_rm},
    Command{"mv", "Move a tracked path together with its pointer file", setup_mv},
    Command{"unprotect", "Turn linked workspace files into editable copies", setup_unprotect},
    Command{"diff", "Show which data files differ between revisions or a revision and the workspace", setup_diff},
    Command{"ls", "List tracked paths and the files in tracked directories, with cache presence", setup_ls},
    Command{"gc", "Remove cache objects that the chosen revisions do not use", setup_gc},
    Command{"fsck", "Verify every object in the cache; quarantine corrupt ones", setup_fsck},
    Command{"remote", "Manage remotes: add, list, modify, remove, default", setup_remote},
    Command{"push", "Upload tracked data to a remote", setup_push},
    Command{"fetch", "Download tracked data from a remote into the cache", setup_fetch},
    Command{"pull", "Download tracked data from a remote and check it out", setup_pull},
    Command{"repro", "Run the pipeline stages whose command, deps, params or outs changed", setup_repro},
    Command{"model", "Register model versions and assign them to stages, in git tags", setup_model},
    Command{"stage", "Add pipeline stages to mlops.yaml and list them", setup_stage},
    Command{"dag", "Show the pipeline's stages and their dependencies as a graph", setup_dag},
    Command{"params", "Compare the params that pipeline stages use between revisions", setup_params},
    Command{"metrics", "Show metrics, or compare them between revisions", setup_metrics},
    Command{"plots", "Render plot files as an HTML report, for the workspace or across revisions", setup_plots},
    Command{"exp", "Run experiments with overridden params; show, compare and apply recorded runs", setup_exp},
    Command{"bundle", "Make, verify and inspect signed model bundles", setup_bundle},
    Command{"target", "Manage edge targets that bundles are deployed to: add, list, remove", setup_target},
    Command{"deploy", "Deliver a bundle to edge targets and activate it; status, rollback", setup_deploy},
    Command{"agent", "Receive and activate bundles on an edge device: serve, activate, status, rollback, pull",
            setup_agent},
    Command{"keys", "Manage the Ed25519 keys that sign bundles: generate, list, export", setup_keys},
    Command{"doctor", "Show versions, paths, link types and configured remotes", setup_doctor},
    Command{"help", "Show help for mlops or one of its commands", setup_help},
    Command{"completion", "Print a shell completion script (bash, zsh, fish)", setup_completion},
    Command{"__man", "", setup_man},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

void build_app(CLI::App& app, Context& ctx) {
  app.name("mlops");
  app.description("Version data and models next to your code, run pipelines, register and deliver models.");
  app.set_version_flag("--version", std::string("mlops ") + kVersion);
  app.set_help_all_flag("", "");
  app.fallthrough();
  app.require_subcommand(0, 1);
  auto& o = ctx.opts;
  app.add_option("-C", o.chdir, "Run as if mlops was started in DIR")->type_name("DIR")->allow_extra_args(false);
  app.add_option("-c", o.config_overrides, "Set a configuration value for this run")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  app.add_flag("--json", o.json, "Print one JSON document on stdout");
  app.add_flag("-q,--quiet", o.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", o.verbose, "Explain more (repeat for more)");
  app.add_option("--color", o.color, "Colour in human output")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  for (const auto& c : commands()) {
    bool hidden = c.name.substr(0, 2) == "__";
    CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.summary));
    if (hidden) sub->group("");
    c.setup(*sub, ctx);
  }
}

}  // namespace mlops::cli
