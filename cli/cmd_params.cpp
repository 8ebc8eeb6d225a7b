// `mlops params diff`: the params the pipeline's stages use, compared between
// two revisions or a revision and the workspace.
#include <memory>

#include "commands.hpp"
#include "core/declared_files.hpp"
#include "data_common.hpp"
#include "metrics_render.hpp"
#include "revision_args.hpp"

namespace mlops::cli {
namespace {

void run_diff(Context& ctx, const DiffArgs& a) {
  RevisionFiles files = repo_files(ctx);
  auto revs = compared_revisions(files, a.revs);
  std::vector<ParamSelection> params;
  for (const auto& t : repo_paths(ctx, a.targets)) params.push_back({t, {""}});
  if (params.empty()) params = declared_params(pipelines_of(files, revs));
  auto diffs = diff_params_at(files, revs[0], revs[1], params);
  json doc = diff_json(revs[0], revs[1], diffs, a.all);
  if (a.exit_code && doc["changed"].get<bool>()) ctx.exit_status = 1;
  // 15 digits show params as written, and changes without binary noise
  // (0.01 - 0.1 is -0.09, not -0.09000000000000001).
  ctx.out().result(doc, [&] { render_diff(ctx.out(), revs[0], revs[1], diffs, {a.all, a.markdown, 15, "Param"}); });
}

}  // namespace

void setup_params(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "Params are the keys that stages list under `params:` in mlops.yaml, read from their\n"
      "files (params.yaml by default; a key naming a section stands for everything below it).\n"
      "When no stage lists any, the whole default params file is compared.\n\n"
      "Example:\n  mlops params diff\n  mlops params diff HEAD~1 --all --md");
  cmd.require_subcommand(1);

  auto args = std::make_shared<DiffArgs>();
  CLI::App* diff = cmd.add_subcommand("diff", "Compare params between revisions, or a revision and the workspace");
  add_diff_args(*diff, *args, "Params files to compare whole (default: what stages use)", "params");
  diff->footer(
      "Lists each changed param with its old and new value (and the change of numbers). A params\n"
      "file missing on one side is reported; a malformed one is an error naming REV:PATH.\n\n"
      "Example:\n  mlops params diff                     # HEAD against the workspace\n"
      "  mlops params diff v1.0 v2.0 --all\n  mlops --json params diff HEAD~1");
  ctx.on_run(diff, [&ctx, args] { run_diff(ctx, *args); });
}

}  // namespace mlops::cli
