// `mlops repro`: bring pipeline stages up to date, running only what changed.
#include "commands.hpp"
#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "core/pipeline_spec.hpp"
#include "core/repro.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "pipeline_common.hpp"
#include "repro_run.hpp"

namespace mlops::cli {

void setup_repro(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::vector<std::string> targets;
    ReproOptions opt;
    bool no_run_cache = false, pull = false, exit_code = false;
    int jobs = 1;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("stages", a->targets, "Stages to bring up to date, with what they depend on (default: all)");
  cmd.add_flag("-f,--force", a->opt.force, "Run the selected stages even when they are up to date");
  cmd.add_flag("-s,--single-item", a->opt.single, "Only the named stages, not what they depend on");
  cmd.add_flag("--downstream", a->opt.downstream, "The named stages and every stage that depends on them");
  cmd.add_flag("--dry-run", a->opt.dry_run, "Print what would run and why; change nothing");
  cmd.add_flag("-k,--keep-going", a->opt.keep_going, "After a failure, go on with stages that do not depend on it");
  cmd.add_option("-j,--jobs", a->jobs, "Stages to run at once (default 1)")->check(CLI::Range(1, kMaxJobs));
  cmd.add_flag("--no-run-cache", a->no_run_cache, "Run dirty stages even when the run cache has their results");
  cmd.add_flag("--pull", a->pull, "Fetch missing deps and recorded outs from the default remote first");
  cmd.add_flag("--exit-code", a->exit_code, "With --dry-run, exit with 1 when a stage would run");
  cmd.add_flag("--allow-missing", a->opt.allow_missing,
               "Treat data missing from the workspace as its recorded hash (CI: check without pulling)");
  cmd.footer(
      "A stage reruns when its command, a dep, a param or an out differs from mlops.lock; -v\n"
      "says which. Before running, the run cache is asked (locally, then the default remote)\n"
      "whether anyone already produced the outs for exactly these inputs; if so they are\n"
      "restored instead. Output of each stage is kept in .mlops/tmp/logs/STAGE.log.\n"
      "Exit status: 0 success, 1 a stage failed (or with --dry-run --exit-code: a stage would\n"
      "run), 130 interrupted; stages that finished before a failure or Ctrl-C stay recorded.\n"
      "A repro that ran, restored or failed a stage is recorded as a run (params, metrics, outs,\n"
      "timings, git commit): see `mlops exp show`.\n\n"
      "Examples:\n"
      "  mlops repro                        # everything that changed\n"
      "  mlops repro train -j 2             # train and what it needs, two stages at a time\n"
      "  mlops repro --dry-run --allow-missing   # in CI: is the committed lock up to date?");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    Pipeline pipeline = load_pipeline(ws.repo().root());
    if (pipeline.stages.empty()) throw Error(Errc::usage, "no stages: " + pipeline.origin + " is missing or empty");
    a->opt.targets = a->targets;
    a->opt.jobs = a->jobs;
    a->opt.run_cache = !a->no_run_cache;
    if (a->pull) pull_pipeline_data(ctx, ws);
    ReproResult result = repro_and_record(ctx, ws, pipeline, a->opt, {"repro", "", {}, a->targets});
    const std::vector<StageReport>& reports = result.reports;
    bool failed = false;
    for (const auto& r : reports) failed = failed || r.outcome == StageOutcome::failed;
    json doc = reports_json(reports);
    doc["ok"] = !failed;
    doc["run"] = result.run ? json(result.run->id) : json(nullptr);
    ctx.out().result(doc, [&] {
      size_t ran = 0, restored = 0, fresh = 0, would = 0;
      for (const auto& r : reports) {
        ran += r.outcome == StageOutcome::ran;
        restored += r.outcome == StageOutcome::restored;
        fresh += r.outcome == StageOutcome::up_to_date;
        would += r.outcome == StageOutcome::would_run;
      }
      if (a->opt.dry_run)
        ctx.out().line(would == 0 ? "Pipeline is up to date." : std::to_string(would) + " stage(s) would run.");
      else if (ran + restored == 0 && !failed)
        ctx.out().line("Pipeline is up to date; nothing to run.");
      else
        ctx.out().line("Ran " + std::to_string(ran) + ", restored " + std::to_string(restored) + " from the run cache, " +
                       std::to_string(fresh) + " up to date.");
    });
    bool would_run = false;
    for (const auto& r : reports) would_run = would_run || r.outcome == StageOutcome::would_run;
    if (failed || (a->exit_code && would_run)) ctx.exit_status = 1;
  });
}

}  // namespace mlops::cli
