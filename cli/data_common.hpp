#pragma once
// Pieces shared by the data commands (add, commit, status, checkout, ...).
#include <memory>
#include <string>
#include <vector>

#include "context.hpp"
#include "core/error.hpp"
#include "core/tracked.hpp"
#include "core/repo_lock.hpp"
#include "core/workspace_scan.hpp"

namespace mlops::cli {

// The repository lock, waiting core.lock_timeout seconds.
std::unique_ptr<RepoLock> lock_repo(Context& ctx);
// Repo-relative paths for the user's arguments.
std::vector<std::string> repo_paths(Context& ctx, const std::vector<std::string>& args);
json counters_json(const ScanCounters& c);
// "-j/--jobs N" on a data command.
void add_jobs_option(CLI::App& cmd, int& jobs);
// For commands that manage pointer files, named with a stage's out.
Error stage_out_error(const Tracked& t);

}  // namespace mlops::cli
