// `mlops help`, `mlops completion` and the internal `mlops __man`: all three
// render the parser built from the command table.
#include <filesystem>
#include <memory>

#include "command_table.hpp"
#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "docs_gen.hpp"
#include "version.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

CLI::App& root_of(CLI::App& cmd) {
  CLI::App* app = &cmd;
  while (app->get_parent()) app = app->get_parent();
  return *app;
}

CLI::App* find_visible(CLI::App& parent, const std::string& name) {
  for (CLI::App* sub : parent.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == name && !sub->get_group().empty()) return sub;
  return nullptr;
}

}  // namespace

void setup_help(CLI::App& cmd, Context& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  cmd.add_option("command", *words, "The command (and subcommand) to explain");
  ctx.on_run(&cmd, [&cmd, &ctx, words] {
    CLI::App* target = &root_of(cmd);
    for (const auto& w : *words) {
      CLI::App* next = find_visible(*target, w);
      if (!next) {
        std::vector<std::string> names;
        for (CLI::App* s : target->get_subcommands([](CLI::App*) { return true; }))
          if (!s->get_group().empty()) names.push_back(s->get_name());
        auto s = suggest(w, names);
        throw Error(Errc::usage, "no help for '" + w + "': not an mlops command" +
                                     (s.empty() ? "" : "; did you mean '" + s.front() + "'?"));
      }
      target = next;
    }
    ctx.out().print(target->help());
  });
}

void setup_completion(CLI::App& cmd, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  cmd.add_option("shell", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd.footer(
      "Load completions for the current shell:\n"
      "  bash:  source <(mlops completion bash)\n"
      "  zsh:   source <(mlops completion zsh)\n"
      "  fish:  mlops completion fish | source\n"
      "Packages install them under the shells' standard completion directories.");
  ctx.on_run(&cmd, [&cmd, &ctx, shell] {
    CommandDoc doc = describe(root_of(cmd));
    if (*shell == "bash") ctx.out().print(bash_completion(doc));
    else if (*shell == "zsh") ctx.out().print(zsh_completion(doc));
    else ctx.out().print(fish_completion(doc));
  });
}

void setup_man(CLI::App& cmd, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  cmd.add_option("dir", *dir, "Directory to write the man pages to")->required();
  ctx.on_run(&cmd, [&cmd, &ctx, dir] {
    fs::create_directories(*dir);
    auto pages = man_pages(describe(root_of(cmd)), kVersion);
    for (const auto& [name, text] : pages) write_file_atomic(fs::path(*dir) / name, text);
    ctx.out().note("wrote " + std::to_string(pages.size()) + " man pages to " + *dir);
  });
}

}  // namespace mlops::cli
