#pragma once
// Runs a stage's commands on this machine, each in its own process group so
// that Ctrl-C (forwarded by us, not by the terminal) stops everything the
// command started, and nothing outlives an interrupted `repro`.
#include "executor.hpp"

namespace mlops {

class LocalExecutor final : public Executor {
 public:
  ExecResult run(const StageJob& job, ExecObserver& observer) override;
};

}  // namespace mlops
