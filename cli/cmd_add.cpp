// `mlops add` and `mlops commit`: one engine (core/add.hpp), two ways of
// choosing paths: add takes any path, commit takes tracked ones.
#include <filesystem>
#include <memory>
#include <set>

#include "commands.hpp"
#include "core/add.hpp"
#include "core/checkout.hpp"
#include "core/setup_warnings.hpp"
#include "core/text.hpp"
#include "core/tracked.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct AddArgs {
  std::vector<std::string> paths;
  int jobs = 0;
};

// With hardlink or symlink preferred, the workspace copy is replaced by a link
// into the cache right away, as DVC does, so a huge dataset is stored once.
void relink_if_linking(Workspace& ws, const AddOutcome& r) {
  auto types = ws.link_types();
  if (types.empty() || (types.front() != "hardlink" && types.front() != "symlink")) return;
  CheckoutOptions o;
  o.relink = true;
  o.link_types = types;
  o.jobs = ws.jobs();
  Checkout(ws.repo().root(), ws.store(), ws.state(), o)
      .apply(r.path, tree_ref(r.out));
}

void run_adds(Context& ctx, const std::vector<std::string>& rels, int jobs, bool committing) {
  auto lock = lock_repo(ctx);
  Workspace ws(ctx.repo());
  ws.set_jobs(jobs);
  if (auto w = root_link_type_warning(ws.link_types())) ctx.out().warn(*w);
  auto progress = ctx.out().progress();
  Adder adder(ws, progress.get());
  json items = json::array();
  std::set<std::string> to_git;
  for (const auto& rel : rels) {
    AddOutcome r = adder.add(rel);
    relink_if_linking(ws, r);
    items.push_back({{"path", r.path},
                     {"pointer", r.pointer},
                     {"hash", r.out.hash.str()},
                     {"kind", r.out.kind == OutKind::dir ? "dir" : "file"},
                     {"size", r.out.size},
                     {"files", r.out.files},
                     {"changed", r.changed}});
    if (r.changed) to_git.insert(r.pointer);
    if (r.gitignore_changed) {
      std::string dir = fs::path(r.path).parent_path().string();
      to_git.insert(dir.empty() ? ".gitignore" : dir + "/.gitignore");
    }
  }
  json doc{{"paths", items}, {"git_add", std::vector<std::string>(to_git.begin(), to_git.end())},
           {"counters", counters_json(adder.counters())}};
  auto& out = ctx.out();
  out.result(doc, [&] {
    for (const auto& i : items) {
      std::string what = i["kind"] == "dir" ? std::to_string(i["files"].get<uint64_t>()) + " files, " : "";
      what += human_size(i["size"].get<uint64_t>());
      std::string verb = !i["changed"].get<bool>() ? "unchanged" : committing ? "committed" : "added";
      out.line(out.paint(i["changed"].get<bool>() ? Color::green : Color::dim, verb) + "  " +
               i["path"].get<std::string>() + " (" + what + ")");
    }
    if (!to_git.empty())
      out.note("To record this in git, run:\n  git add " + join(std::vector<std::string>(to_git.begin(), to_git.end()), " "));
  });
  const auto& c = adder.counters();
  out.debug(1, "stat'ed " + std::to_string(c.files_stated) + " files, hashed " + std::to_string(c.files_hashed) +
                   " files (" + human_size(c.bytes_read) + ")");
}

}  // namespace

void setup_add(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<AddArgs>();
  cmd.add_option("paths", a->paths, "Files or directories to track")->required();
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Stores the content in the cache (small files in pack files, large ones as loose objects),\n"
      "writes PATH.mlops pointer files to commit with git, and adds PATH to its directory's\n"
      ".gitignore. Adding a path again records its new content; only new objects are stored.\n\n"
      "Example:\n  mlops add data/images models/model.pkl\n  git add data/images.mlops data/.gitignore");
  ctx.on_run(&cmd, [&ctx, a] { run_adds(ctx, repo_paths(ctx, a->paths), a->jobs, false); });
}

void setup_commit(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<AddArgs>();
  cmd.add_option("paths", a->paths, "Tracked paths to record (default: all)");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Stores workspace changes of tracked paths in the cache and updates their pointer files;\n"
      "the same engine as `mlops add`, for paths that are already tracked.");
  ctx.on_run(&cmd, [&ctx, a] {
    std::vector<std::string> rels;
    for (const auto& t : select_tracked(ctx.repo().root(), fs::current_path(), a->paths)) {
      if (!t.stage_out()) rels.push_back(t.path);
      else if (!a->paths.empty()) throw stage_out_error(t);
    }
    run_adds(ctx, rels, a->jobs, true);
  });
}

}  // namespace mlops::cli
