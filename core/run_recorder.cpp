#include "run_recorder.hpp"

#include <pwd.h>
#include <unistd.h>

#include <set>

#include "error.hpp"
#include "run_store.hpp"
#include "stage_state.hpp"
#include "structured_file.hpp"
#include "text.hpp"
#include "utc_time.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

std::string user_name() {
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  const char* env = std::getenv("USER");
  return env ? env : "";
}

bool finished(StageOutcome o) {
  return o == StageOutcome::ran || o == StageOutcome::restored || o == StageOutcome::up_to_date;
}

}  // namespace

RunRecorder::RunRecorder(Workspace& ws, RunMeta meta) : ws_(ws), meta_(std::move(meta)), started_(epoch_now()) {
  if (auto git = GitHistory::open_if_any(ws.repo().root())) git_ = git->head_state();
}

bool RunRecorder::changed_anything(const std::vector<StageReport>& reports) {
  for (const auto& r : reports)
    if (r.outcome != StageOutcome::up_to_date && r.outcome != StageOutcome::would_run) return true;
  return false;
}

void RunRecorder::read_metrics(const Stage& stage, RunRecord& run) {
  const fs::path& root = ws_.repo().root();
  for (const auto& o : stage.outs) {
    if (o.role != OutRole::metric) continue;
    std::error_code ec;
    if (!fs::is_regular_file(root / o.path, ec)) continue;
    try {
      run.metrics[o.path] = flatten(read_structured_file(root / o.path));
    } catch (const Error& e) {
      warnings_.push_back("metrics file " + o.path + " not recorded: " + e.what());
    }
  }
}

RunRecord RunRecorder::finish(const Pipeline& pipeline, const std::vector<StageReport>& reports) {
  double ended = epoch_now();
  RunRecord run;
  run.id = new_run_id(started_);
  run.name = meta_.name;
  run.kind = meta_.kind;
  run.started = utc_timestamp_ms(started_);
  run.ended = utc_timestamp_ms(ended);
  run.seconds = ended - started_;
  run.commit = git_.commit;
  run.branch = git_.branch;
  run.dirty = git_.dirty;
  run.host = host_name();
  run.user = user_name();
  run.targets = meta_.targets;
  run.overrides = meta_.overrides;

  const fs::path& root = ws_.repo().root();
  PipelineLock lock = read_lock(root);
  StageInspector inspector(root, ws_.state(), lock, false);
  std::set<std::string> executors;
  for (const auto& r : reports) {
    RunStage st;
    st.name = r.stage;
    st.outcome = outcome_name(r.outcome);
    st.exit_code = r.exec.exit_code;
    st.signal = r.exec.signal;
    st.seconds = r.seconds;
    st.started = r.started > 0 ? utc_timestamp_ms(r.started) : "";
    st.error = r.error;
    if (!finished(r.outcome)) run.status = "failed";
    auto locked = lock.stages.find(r.stage);
    if (finished(r.outcome) && locked != lock.stages.end()) st.lock = locked->second;
    if (const Stage* s = pipeline.find(r.stage)) {
      st.executor = s->executor;
      if (r.outcome == StageOutcome::ran) executors.insert(s->executor);
      try {
        for (const auto& [file, keys] : inspector.params(*s))
          for (const auto& [key, value] : keys) flatten_into(value, key, run.params[file]);
      } catch (const Error& e) {
        warnings_.push_back("params of stage '" + r.stage + "' not recorded: " + e.what());
      }
      read_metrics(*s, run);
    }
    run.stages.push_back(std::move(st));
  }
  run.executor = join({executors.begin(), executors.end()}, ",");
  RunStore(ws_.store(), ws_.repo().tmp_dir()).save(run);
  return run;
}

}  // namespace mlops
