#include "repro_run.hpp"

#include <mutex>

#include "core/workspace.hpp"
#include "pipeline_common.hpp"

namespace mlops::cli {
namespace {

class ReproPrinter final : public ReproObserver {
 public:
  ReproPrinter(Output& out, bool prefix, bool verbose) : out_(out), prefix_(prefix), verbose_(verbose) {}

  void output(const std::string& stage, std::string_view line, bool from_stderr) override {
    std::lock_guard lock(mu_);
    out_.passthrough(prefix_ ? out_.paint(Color::cyan, "[" + stage + "] ") + std::string(line) : std::string(line),
                     from_stderr);
  }
  void stage_started(const Stage& s, const std::vector<StageReason>& why) override {
    std::lock_guard lock(mu_);
    out_.note(out_.paint(Color::bold, "Running stage '" + s.name + "'") + ": " + reasons_text(why, verbose_));
  }
  void stage_finished(const StageReport& r) override {
    std::lock_guard lock(mu_);
    switch (r.outcome) {
      case StageOutcome::up_to_date:
        out_.debug(1, "stage '" + r.stage + "' is up to date");
        break;
      case StageOutcome::would_run:
        out_.note("Would run stage '" + r.stage + "': " + reasons_text(r.reasons, verbose_));
        break;
      case StageOutcome::restored:
        out_.note("Restored stage '" + r.stage + "' from the run cache, not run (" + reasons_text(r.reasons, false) + ")");
        break;
      case StageOutcome::ran:
        out_.note("Stage '" + r.stage + "' done in " + seconds_text(r.seconds));
        break;
      case StageOutcome::failed:
        out_.error("stage '" + r.stage + "' failed: " + r.error +
                   (r.exec.exit_code || r.exec.signal ? " (log: .mlops/tmp/logs/" + r.stage + ".log)" : ""));
        break;
      case StageOutcome::skipped:
        out_.note("Skipped stage '" + r.stage + "': " + r.error);
        break;
    }
  }

 private:
  Output& out_;
  bool prefix_, verbose_;
  std::mutex mu_;
};

}  // namespace

ReproResult repro_and_record(Context& ctx, Workspace& ws, const Pipeline& pipeline, const ReproOptions& options,
                          const RunMeta& meta) {
  auto remote = open_run_cache_remote(ctx, ws, options.run_cache);
  ReproPrinter printer(ctx.out(), options.jobs > 1, ctx.opts.verbose > 0 || options.dry_run);
  RunRecorder recorder(ws, meta);
  ReproResult result;
  result.reports = repro(ws, pipeline, options, printer, remote.get());
  if (options.dry_run) return result;
  if (meta.kind == "repro" && !RunRecorder::changed_anything(result.reports)) return result;
  result.run = recorder.finish(pipeline, result.reports);
  for (const auto& w : recorder.warnings()) ctx.out().warn(w);
  ctx.out().note("Recorded run " + result.run->id + (meta.name.empty() ? "" : " (" + meta.name + ")"));
  return result;
}

}  // namespace mlops::cli
