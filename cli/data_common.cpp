#include "data_common.hpp"

#include <chrono>
#include <filesystem>

#include "core/config_keys.hpp"
#include "core/tracked.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {

std::unique_ptr<RepoLock> lock_repo(Context& ctx) {
  auto timeout = std::chrono::seconds(ctx.repo().config().get_int("core.lock_timeout"));
  LockWaitOptions wait{ctx.command, [&ctx, timeout](const LockHolder& holder) {
                         ctx.out().note("waiting for the repository lock, held by " + holder.describe() +
                                        " (up to " + std::to_string(timeout.count()) + " s, core.lock_timeout)");
                       }};
  return std::make_unique<RepoLock>(ctx.repo().tmp_dir() / "lock", timeout, "the repository", std::move(wait));
}

std::vector<std::string> repo_paths(Context& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) out.push_back(repo_relative(ctx.repo().root(), fs::current_path(), a));
  return out;
}

json counters_json(const ScanCounters& c) {
  return {{"files_stated", c.files_stated.load()}, {"files_hashed", c.files_hashed.load()},
          {"bytes_read", c.bytes_read.load()}};
}

Error stage_out_error(const Tracked& t) {
  return Error(Errc::usage, "'" + t.path + "' is an out of a pipeline stage, recorded in " + t.pointer +
                                "; change the stage in mlops.yaml and run `mlops repro`");
}

void add_jobs_option(CLI::App& cmd, int& jobs) {
  cmd.add_option("-j,--jobs", jobs, "Parallel jobs (default: core.jobs, or one per core)")->check(CLI::Range(1, kMaxJobs));
}

}  // namespace mlops::cli
