#pragma once
// Pieces shared by the pipeline commands (repro, status, stage, dag).
#include <memory>
#include <string>
#include <vector>

#include "context.hpp"
#include "core/repro.hpp"

namespace mlops {
class Remote;
class Workspace;
struct TreeRef;
}

namespace mlops::cli {

std::string reasons_text(const std::vector<StageReason>& why, bool all);
std::string seconds_text(double seconds);
json reasons_json(const std::vector<StageReason>& why);
json reports_json(const std::vector<StageReport>& reports);

// Every stage, decided but not run (status, and what --dry-run prints).
std::vector<StageReport> dry_run(Workspace& ws, bool allow_missing);

// The default remote's run cache, or null when run-cache lookups are off or
// no default remote is configured.
std::unique_ptr<RunCacheRemote> open_run_cache_remote(Context& ctx, Workspace& ws, bool enabled);
// Uploads the run-cache entries whose outs are all among `pushed` (so a
// teammate's repro can restore them) and the remote lacks; returns how many.
size_t push_run_cache(Workspace& ws, Remote& remote, const std::vector<TreeRef>& pushed);
// `repro --pull`: fetch what the stages' deps and recorded outs need.
void pull_pipeline_data(Context& ctx, Workspace& ws);

}  // namespace mlops::cli
