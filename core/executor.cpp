#include "executor.hpp"

#include <functional>

#include "error.hpp"
#include "local_executor.hpp"

namespace mlops {

std::string ExecResult::describe() const {
  if (interrupted) return "interrupted";
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  if (exit_code != 0) return "exit code " + std::to_string(exit_code);
  return "succeeded";
}

namespace {

struct ExecutorRow {
  const char* name;
  std::function<std::unique_ptr<Executor>()> make;  // null: known but not available here
};

const ExecutorRow kExecutors[] = {
    {"local", [] { return std::make_unique<LocalExecutor>(); }},
    {"slurm", nullptr},
    {"kubernetes", nullptr},
};

}  // namespace

std::unique_ptr<Executor> make_executor(const std::string& name) {
  for (const auto& row : kExecutors) {
    if (name != row.name) continue;
    if (!row.make) throw Error(Errc::usage, "the '" + name + "' executor is not available in this mlops build");
    return row.make();
  }
  throw Error(Errc::usage, "unknown executor '" + name + "' (local, slurm, kubernetes)");
}

}  // namespace mlops
