#pragma once
// Man pages and shell completion scripts, generated from the parser that the
// command table builds, so neither can miss a command or an option.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mlops::cli {

struct OptionDoc {
  std::vector<std::string> flags;  // "-q", "--quiet"
  std::string value;               // type name when the option takes a value
  std::string help;
};

struct CommandDoc {
  std::vector<std::string> path;  // {"config", "list"}; empty for mlops itself
  std::string summary;
  std::string details;  // the command's footer: longer text and examples
  std::vector<OptionDoc> options;
  std::vector<OptionDoc> positionals;
  std::vector<CommandDoc> subcommands;
};

// The visible command tree (hidden "__" commands and help flags left out).
CommandDoc describe(const CLI::App& app);

std::string bash_completion(const CommandDoc& root);
std::string zsh_completion(const CommandDoc& root);
std::string fish_completion(const CommandDoc& root);

// One page per top-level command: file name ("mlops-init.1") -> roff text.
std::vector<std::pair<std::string, std::string>> man_pages(const CommandDoc& root, const std::string& version);

}  // namespace mlops::cli
