#pragma once
// The command table: every `mlops <command>` is one row. The parser, `mlops
// help`, the man pages and the shell completions are all built from it, so
// they cannot drift apart.
#include <CLI/CLI.hpp>
#include <span>
#include <string_view>

#include "context.hpp"

namespace mlops::cli {

struct Command {
  std::string_view name;
  std::string_view summary;
  void (*setup)(CLI::App& cmd, Context& ctx);
};

std::span<const Command> commands();

// The whole parser: global options plus one subcommand per table row.
void build_app(CLI::App& app, Context& ctx);

}  // namespace mlops::cli
