#pragma once
// One pipeline run as `repro` and `exp run` do it: stage output streamed
// with the stage's name, the default remote's run cache consulted, and the
// run recorded (core/run_recorder.hpp) unless it was a dry run.
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "core/repro.hpp"
#include "core/run_recorder.hpp"

namespace mlops {
class Workspace;
}

namespace mlops::cli {

struct ReproResult {
  std::vector<StageReport> reports;
  std::optional<RunRecord> run;  // absent: a dry run, or nothing changed (repro only)
};

// With meta.kind "repro", a run where every stage was up to date is not recorded.
ReproResult repro_and_record(Context& ctx, Workspace& ws, const Pipeline& pipeline, const ReproOptions& options,
                          const RunMeta& meta);

}  // namespace mlops::cli
