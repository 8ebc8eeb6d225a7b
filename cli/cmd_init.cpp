// `mlops init`: create .mlops/ (DESIGN §2).
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/repo.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {

void setup_init(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<InitOptions>();
  cmd.add_flag("--no-git", o->no_git, "Allow a repository that is not inside a git work tree");
  cmd.add_flag("--subdir", o->subdir, "Allow a repository below the git top level (monorepos)");
  cmd.add_flag("-f,--force", o->force, "Rewrite .mlops/config.yaml and .mlops/.gitignore; the cache is kept");
  cmd.footer(
      "Creates .mlops/ with config.yaml, .gitignore, cache/ and tmp/ in the current directory,\n"
      "which must be the top of a git work tree (see --subdir and --no-git). Running it again\n"
      "changes nothing.\n\nExample:\n  git init && mlops init && git add .mlops && git commit -m 'Initialise mlops'");
  ctx.on_run(&cmd, [&ctx, o] {
    InitResult r = init_repo(fs::current_path(), *o);
    json written = json::array();
    for (const auto& p : r.written) written.push_back(fs::relative(p, r.root).string());
    json doc{{"root", r.root.string()},
             {"git_root", r.git_root ? json(r.git_root->string()) : json(nullptr)},
             {"already_initialised", r.already},
             {"reinitialised", r.reinitialised},
             {"written", written}};
    ctx.out().result(doc, [&] {
      auto& out = ctx.out();
      fs::path dot = r.root / ".mlops";
      if (r.already) {
        out.line("mlops repository already initialised in " + dot.string());
        return;
      }
      out.line(std::string(r.reinitialised ? "Reinitialised" : "Initialised") + " mlops repository in " +
               dot.string());
      if (r.git_root) out.note("Next: git add .mlops && git commit -m 'Initialise mlops'");
    });
  });
}

}  // namespace mlops::cli
