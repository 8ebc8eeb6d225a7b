#pragma once
// Turning one `repro` into a run record (run_record.hpp): the recorder is
// made before the stages run, to note the start time and the state of the
// code (a run rewrites mlops.lock and metric files that git tracks, so the
// dirty flag must be read first), and finished with the stage reports, when
// it reads what the run used and produced: params from the params files (as
// the run saw them: `exp run` overrides are still applied), metrics from the
// stages' metric outs, outs and deps from mlops.lock.
#include <string>
#include <vector>

#include "git_history.hpp"
#include "repro.hpp"
#include "run_record.hpp"

namespace mlops {

class Workspace;

struct RunMeta {
  std::string kind = "repro";  // or "exp"
  std::string name;
  FileValues overrides;
  std::vector<std::string> targets;
};

class RunRecorder {
 public:
  RunRecorder(Workspace& ws, RunMeta meta);

  // A repro that only found everything up to date records nothing: it
  // would repeat the run before it.
  static bool changed_anything(const std::vector<StageReport>& reports);
  // Builds and stores the record of the run that produced `reports`.
  RunRecord finish(const Pipeline& pipeline, const std::vector<StageReport>& reports);
  // Metric files that could not be read, and similar; the run is recorded without them.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void read_metrics(const Stage& stage, RunRecord& run);

  Workspace& ws_;
  RunMeta meta_;
  double started_;
  GitHistory::HeadState git_;
  std::vector<std::string> warnings_;
};

}  // namespace mlops
