#pragma once
// Where a stage's commands run (DESIGN §1): one interface, one class per
// kind (local here; cluster executors plug into the same table), so the
// pipeline engine never knows which one ran a stage.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline_spec.hpp"

namespace mlops {

struct StageJob {
  std::string stage;
  std::vector<std::string> cmd;  // run in order through /bin/sh -c; stop at the first failure
  std::filesystem::path cwd;
  std::map<std::string, std::string> env;  // added to the inherited environment
  std::filesystem::path log;               // every output line is appended here
  Resources resources;
};

struct ExecResult {
  bool ok = false;
  int exit_code = 0;  // of the failing command
  int signal = 0;     // it was killed by this signal
  bool interrupted = false;
  double seconds = 0;
  std::string describe() const;  // "exit code 2", "killed by signal 9", "interrupted"
};

// Receives output as it arrives, from the thread running the stage.
class ExecObserver {
 public:
  virtual ~ExecObserver() = default;
  virtual void output(const std::string& stage, std::string_view line, bool from_stderr) = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Blocking; safe to call from several threads at once. Stops the job (its
  // whole process group) when an interrupt is requested.
  virtual ExecResult run(const StageJob& job, ExecObserver& observer) = 0;
};

// The executor named in a stage (`executor:`); Error(usage) for unknown or
// unavailable ones.
std::unique_ptr<Executor> make_executor(const std::string& name);

}  // namespace mlops
