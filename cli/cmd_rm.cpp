// `mlops rm` and `mlops mv`: stop tracking a path, or move it with its pointer.
#include <filesystem>
#include <memory>
#include <set>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/state_index.hpp"
#include "core/text.hpp"
#include "core/track_ops.hpp"
#include "core/tracked.hpp"
#include "core/workspace.hpp"
#include "core/workspace_scan.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

std::string gitignore_of(const std::string& path) {
  std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? ".gitignore" : dir + "/.gitignore";
}

// One tracked path named exactly by `arg` (not a directory of several).
Tracked exactly_one(Context& ctx, const std::string& arg) {
  auto found = select_tracked(ctx.repo().root(), fs::current_path(), {arg});
  std::string rel = repo_relative(ctx.repo().root(), fs::current_path(), arg);
  if (rel.ends_with(kPointerSuffix)) rel.resize(rel.size() - kPointerSuffix.size());
  for (const auto& t : found) {
    if (t.path != rel) continue;
    if (t.stage_out()) throw stage_out_error(t);
    return t;
  }
  throw Error(Errc::usage, "'" + arg + "' is not a tracked path (it contains " + std::to_string(found.size()) +
                               "); name one tracked path");
}

}  // namespace

void setup_rm(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::vector<std::string> paths;
    bool outs = false, force = false;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("paths", a->paths, "Tracked paths (or their .mlops files) to stop tracking")->required();
  cmd.add_flag("--outs", a->outs, "Also delete the workspace copy (only if its content is in the cache)");
  cmd.add_flag("-f,--force", a->force, "With --outs, delete even unsaved workspace changes");
  cmd.footer(
      "Removes the pointer file and the .gitignore entry; the workspace copy stays unless --outs\n"
      "is given, and the cache keeps the content until `mlops gc`.\n\n"
      "Example:\n  mlops rm data/old && git add data/old.mlops data/.gitignore");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    const fs::path& root = ws.repo().root();
    std::vector<Tracked> targets;
    for (const auto& p : a->paths) targets.push_back(exactly_one(ctx, p));
    if (a->outs && !a->force) {
      // Deleting data is only safe when the cache can give it back.
      WorkspaceScanner scanner(root, ws.state(), {nullptr, ws.jobs(), nullptr});
      for (const auto& t : targets) {
        if (!stat_file(root / t.path)) continue;
        ScanResult now = scanner.scan(t.path);
        if (now.hash != t.out.hash || !ws.store().contains(now.hash))
          throw Error(Errc::failure, t.path + " has changes that are not in the cache; run `mlops commit " + t.path +
                                         "` first, or use --force");
      }
    }
    json items = json::array();
    std::set<std::string> to_git;
    for (const auto& t : targets) {
      UntrackResult r = untrack(root, t, a->outs);
      items.push_back({{"path", t.path}, {"pointer", t.pointer}, {"data_removed", r.data_removed}});
      to_git.insert(t.pointer);
      if (r.gitignore_changed) to_git.insert(gitignore_of(t.path));
    }
    auto& out = ctx.out();
    out.result({{"removed", items}, {"git_add", std::vector<std::string>(to_git.begin(), to_git.end())}}, [&] {
      for (const auto& i : items) out.line("untracked  " + i["path"].get<std::string>());
      out.note("To record this in git, run:\n  git add " + join({to_git.begin(), to_git.end()}, " "));
    });
  });
}

void setup_mv(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string src, dst;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("src", a->src, "A tracked path")->required();
  cmd.add_option("dst", a->dst, "New path, or an existing directory to move it into")->required();
  cmd.footer(
      "Moves the workspace data and its pointer file, and fixes both .gitignore files.\n\n"
      "Example:\n  mlops mv data/raw data/raw-2024 && git add data/raw.mlops data/raw-2024.mlops data/.gitignore");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Tracked t = exactly_one(ctx, a->src);
    std::string dst = repo_relative(ctx.repo().root(), fs::current_path(), a->dst);
    if (a->dst.ends_with("/") && !fs::is_directory(ctx.repo().root() / dst))
      throw Error(Errc::usage, "cannot move to '" + a->dst + "': no such directory");
    MoveResult r = move_tracked(ctx.repo().root(), t, dst);
    std::set<std::string> to_git{t.pointer, r.new_pointer, gitignore_of(t.path), gitignore_of(r.new_path)};
    auto& out = ctx.out();
    out.result({{"from", t.path}, {"to", r.new_path}, {"git_add", std::vector<std::string>(to_git.begin(), to_git.end())}},
               [&] {
                 out.line("moved  " + t.path + " -> " + r.new_path);
                 out.note("To record this in git, run:\n  git add " + join({to_git.begin(), to_git.end()}, " "));
               });
  });
}

}  // namespace mlops::cli
