#pragma once
// `mlops repro`: bring the selected stages up to date. The plan follows the
// graph; a stage is looked at only once everything upstream is done, so its
// deps are hashed as they are after upstream ran. Each dirty stage is, in
// order of preference: restored from the run cache (local, then remote),
// or run by its executor. Independent stages run in parallel up to `jobs`
// and a budget of CPUs. Every finished stage is written to mlops.lock at
// once (atomically), so an interrupt or crash leaves finished stages
// recorded and unfinished ones as they were.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "executor.hpp"
#include "pipeline_spec.hpp"
#include "run_cache.hpp"
#include "stage_state.hpp"

namespace mlops {

class Workspace;

struct ReproOptions {
  std::vector<std::string> targets;  // empty: every stage
  bool force = false;                // rerun even when up to date
  bool single = false;               // only the targets, not their upstream
  bool downstream = false;           // the targets and everything after them
  bool dry_run = false;              // decide, report, change nothing
  bool keep_going = false;           // after a failure, go on with what does not depend on it
  bool run_cache = true;
  bool allow_missing = false;        // missing data counts as its recorded hash
  int jobs = 1;
  double cpu_budget = 0;             // 0: the machine's hardware threads
};

enum class StageOutcome { up_to_date, ran, restored, would_run, failed, skipped };
const char* outcome_name(StageOutcome o);

struct StageReport {
  std::string stage;
  StageOutcome outcome = StageOutcome::up_to_date;
  std::vector<StageReason> reasons;
  ExecResult exec;
  std::string error;  // failed/skipped: why
  std::string run_cache_key;
  std::vector<PointerOut> outs;  // ran/restored: what the lock now records
  double started = 0;            // seconds since the epoch
  double seconds = 0;
};

class ReproObserver : public ExecObserver {
 public:
  virtual void stage_started(const Stage& stage, const std::vector<StageReason>& why) = 0;
  virtual void stage_finished(const StageReport& report) = 0;
};

// A remote's share of the run cache; null when there is no default remote.
class RunCacheRemote {
 public:
  virtual ~RunCacheRemote() = default;
  virtual std::optional<RunCacheEntry> find(const std::string& key) = 0;
  // Download whatever the outs need into the local cache; false when the
  // remote lacks something.
  virtual bool fetch(const std::vector<PointerOut>& outs) = 0;
};

std::vector<StageReport> repro(Workspace& ws, const Pipeline& pipeline, const ReproOptions& options,
                               ReproObserver& observer, RunCacheRemote* remote);

}  // namespace mlops
