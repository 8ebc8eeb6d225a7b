#pragma once
// Setup functions of the command table's rows; one cmd_<name>.cpp each.
#include <CLI/CLI.hpp>

#include "context.hpp"

namespace mlops::cli {

void setup_init(CLI::App& cmd, Context& ctx);
void setup_config(CLI::App& cmd, Context& ctx);
void setup_doctor(CLI::App& cmd, Context& ctx);
void setup_add(CLI::App& cmd, Context& ctx);
void setup_commit(CLI::App& cmd, Context& ctx);
void setup_status(CLI::App& cmd, Context& ctx);
void setup_checkout(CLI::App& cmd, Context& ctx);
void setup_unprotect(CLI::App& cmd, Context& ctx);
void setup_rm(CLI::App& cmd, Context& ctx);
void setup_mv(CLI::App& cmd, Context& ctx);
void setup_fsck(CLI::App& cmd, Context& ctx);
void setup_remote(CLI::App& cmd, Context& ctx);
void setup_push(CLI::App& cmd, Context& ctx);
void setup_fetch(CLI::App& cmd, Context& ctx);
void setup_pull(CLI::App& cmd, Context& ctx);
void setup_diff(CLI::App& cmd, Context& ctx);
void setup_ls(CLI::App& cmd, Context& ctx);
void setup_gc(CLI::App& cmd, Context& ctx);
void setup_repro(CLI::App& cmd, Context& ctx);
void setup_model(CLI::App& cmd, Context& ctx);
void setup_stage(CLI::App& cmd, Context& ctx);
void setup_dag(CLI::App& cmd, Context& ctx);
void setup_params(CLI::App& cmd, Context& ctx);
void setup_metrics(CLI::App& cmd, Context& ctx);
void setup_plots(CLI::App& cmd, Context& ctx);
void setup_exp(CLI::App& cmd, Context& ctx);
void setup_bundle(CLI::App& cmd, Context& ctx);
void setup_target(CLI::App& cmd, Context& ctx);
void setup_deploy(CLI::App& cmd, Context& ctx);
void setup_agent(CLI::App& cmd, Context& ctx);
void setup_keys(CLI::App& cmd, Context& ctx);
void setup_help(CLI::App& cmd, Context& ctx);
void setup_completion(CLI::App& cmd, Context& ctx);
void setup_man(CLI::App& cmd, Context& ctx);

}  // namespace mlops::cli
