#include "repro.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "checkout.hpp"
#include "confined_dirs.hpp"
#include "error.hpp"
#include "gitignore.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "pipeline_graph.hpp"
#include "pipeline_lock.hpp"
#include "state_index.hpp"
#include "utc_time.hpp"
#include "workspace.hpp"
#include "workspace_scan.hpp"

namespace fs = std::filesystem;

namespace mlops {

const char* outcome_name(StageOutcome o) {
  switch (o) {
    case StageOutcome::up_to_date: return "up-to-date";
    case StageOutcome::ran: return "ran";
    case StageOutcome::restored: return "restored";
    case StageOutcome::would_run: return "would-run";
    case StageOutcome::failed: return "failed";
    case StageOutcome::skipped: return "skipped";
  }
  return "?";
}

namespace {

enum class Phase { pending, running, done };

class ReproRun {
 public:
  ReproRun(Workspace& ws, const Pipeline& p, const ReproOptions& o, ReproObserver& obs, RunCacheRemote* remote)
      : ws_(ws),
        root_(ws.repo().root()),
        p_(p),
        graph_(p),
        opt_(o),
        obs_(obs),
        remote_(remote),
        lock_(read_lock(root_)),
        inspector_(root_, ws.state(), lock_, o.allow_missing),
        run_cache_(ws.store().cache_dir()) {
    budget_ = opt_.cpu_budget > 0 ? opt_.cpu_budget : std::max(1u, std::thread::hardware_concurrency());
  }

  std::vector<StageReport> run() {
    std::vector<size_t> chosen = graph_.select(opt_.targets, opt_.single, opt_.downstream);
    for (size_t i : chosen) {
      phase_[i] = Phase::pending;
      reports_[i].stage = p_.stages[i].name;
    }
    try {
      schedule(chosen);
    } catch (...) {
      wait_all();
      ws_.state().flush();
      throw;
    }
    ws_.state().flush();
    std::vector<StageReport> out;
    for (size_t i : chosen) out.push_back(reports_[i]);
    if (interrupt_requested()) check_interrupted();
    return out;
  }

 private:
  struct Finished {
    size_t stage;
    ExecResult result;
  };

  Workspace& ws_;
  fs::path root_;
  const Pipeline& p_;
  PipelineGraph graph_;
  ReproOptions opt_;
  ReproObserver& obs_;
  RunCacheRemote* remote_;
  PipelineLock lock_;
  StageInspector inspector_;
  RunCache run_cache_;
  double budget_ = 1;
  double cpus_in_use_ = 0;
  std::map<size_t, Phase> phase_;
  std::map<size_t, StageReport> reports_;
  std::map<size_t, StageSnapshot> snapshots_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Finished> finished_;
  size_t running_ = 0;
  bool stop_ = false;  // a failure without --keep-going, or an interrupt

  bool ok(size_t i) const {
    StageOutcome o = reports_.at(i).outcome;
    return o != StageOutcome::failed && o != StageOutcome::skipped;
  }

  // Ready: every selected upstream stage is done. Returns false when the
  // stage can never run because something upstream failed.
  bool upstream_state(size_t i, bool* ready, std::string* failed_upstream) const {
    *ready = true;
    for (size_t u : graph_.upstream(i)) {
      auto it = phase_.find(u);
      if (it == phase_.end()) continue;  // not selected: taken as it is
      if (it->second != Phase::done) *ready = false;
      else if (!ok(u)) {
        *failed_upstream = p_.stages[u].name;
        return false;
      }
    }
    return true;
  }

  void schedule(const std::vector<size_t>& chosen) {
    for (;;) {
      bool progressed = false;
      for (size_t i : chosen) {
        if (phase_[i] != Phase::pending) continue;
        bool ready = false;
        std::string failed_upstream;
        if (!upstream_state(i, &ready, &failed_upstream)) {
          finish_without_running(i, StageOutcome::skipped, "upstream stage '" + failed_upstream + "' failed");
          progressed = true;
          continue;
        }
        if (!ready || stop_ || interrupt_requested()) continue;
        double cpus = std::min(p_.stages[i].resources.cpus, budget_);
        if (running_ > 0 && (running_ >= static_cast<size_t>(std::max(1, opt_.jobs)) || cpus_in_use_ + cpus > budget_))
          continue;
        start(i);
        progressed = true;
      }
      if (running_ == 0) {
        bool left = false;
        for (size_t i : chosen) left = left || phase_[i] == Phase::pending;
        if (!left || !progressed) {
          for (size_t i : chosen)
            if (phase_[i] == Phase::pending)
              finish_without_running(i, StageOutcome::skipped,
                                     interrupt_requested() ? "interrupted" : "not run after an earlier failure");
          return;
        }
        continue;
      }
      Finished f = wait_one();
      complete(f.stage, f.result);
    }
  }

  void finish_without_running(size_t i, StageOutcome outcome, const std::string& why) {
    phase_[i] = Phase::done;
    reports_[i].outcome = outcome;
    reports_[i].error = why;
    obs_.stage_finished(reports_[i]);
  }

  // Decides what to do with a ready stage; starts it when it must run.
  void start(size_t i) {
    const Stage& s = p_.stages[i];
    StageReport& r = reports_[i];
    StageSnapshot now = inspector_.snapshot(s);
    r.reasons = inspector_.reasons(s, now);
    for (size_t u : graph_.upstream(i))
      if (phase_.count(u) && reports_[u].outcome == StageOutcome::would_run)
        r.reasons.push_back({"upstream", p_.stages[u].name, "upstream stage '" + p_.stages[u].name + "' would run"});
    if (opt_.force && r.reasons.empty()) r.reasons.push_back({"forced", "", "forced with --force"});
    if (r.reasons.empty() || s.frozen) {
      finish_without_running(i, StageOutcome::up_to_date, "");
      return;
    }
    if (opt_.dry_run) {
      finish_without_running(i, StageOutcome::would_run, "");
      return;
    }
    if (!now.missing_deps.empty()) {
      finish_failed(i, "dep '" + now.missing_deps.front() + "' does not exist and no stage creates it");
      return;
    }
    r.run_cache_key = run_cache_key(s, now);
    r.started = epoch_now();
    if (opt_.run_cache && !s.always_changed && !opt_.force && restore(i, now)) return;

    obs_.stage_started(s, r.reasons);
    ConfinedDirs dirs(root_);  // outs are cleared and their directories made without following a symlink
    for (const auto& o : s.outs) {
      if (!o.persist) dirs.remove(o.path);
      dirs.open(fs::path(o.path).parent_path().string(), true);
    }
    snapshots_[i] = std::move(now);
    phase_[i] = Phase::running;
    ++running_;
    cpus_in_use_ += std::min(s.resources.cpus, budget_);
    StageJob job{s.name, s.cmd, root_ / s.wdir, s.env, ws_.repo().tmp_dir() / "logs" / (s.name + ".log"), s.resources};
    threads_.emplace_back([this, i, job = std::move(job), executor = s.executor] {
      ExecResult result;
      try {
        result = make_executor(executor)->run(job, obs_);
      } catch (const std::exception& e) {
        result.ok = false;
        result.exit_code = 127;
        obs_.output(job.stage, e.what(), true);
      }
      std::lock_guard lock(mu_);
      finished_.push_back({i, result});
      cv_.notify_all();
    });
  }

  Finished wait_one() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !finished_.empty(); });
    Finished f = finished_.front();
    finished_.pop_front();
    return f;
  }

  void wait_all() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

  void finish_failed(size_t i, const std::string& why) {
    finish_without_running(i, StageOutcome::failed, why);
    if (!opt_.keep_going) stop_ = true;
  }

  // The outs of stage `i` as they are now, stored in the cache (all of
  // them: `cache: false` outs too, so the run cache can restore them).
  std::vector<PointerOut> store_outs(size_t i) {
    std::vector<PointerOut> outs;
    WorkspaceScanner scanner(root_, ws_.state(), {&ws_.store(), ws_.jobs(), nullptr});
    for (const auto& o : p_.stages[i].outs) {
      if (!stat_file(root_ / o.path)) throw Error(Errc::failure, "the stage did not create its out '" + o.path + "'");
      ScanResult r = scanner.scan(o.path);
      outs.push_back({o.path, r.hash, r.kind == EntryKind::dir ? OutKind::dir : OutKind::file, r.size,
                      r.kind == EntryKind::dir ? r.files : 0});
    }
    ws_.store().flush();  // objects are durable before the lock and run cache name them
    return outs;
  }

  void record(size_t i, const StageSnapshot& now, std::vector<PointerOut> outs) {
    const Stage& s = p_.stages[i];
    StageLock entry{now.cmd, now.deps, now.params, outs};
    lock_.stages[s.name] = entry;
    write_lock(root_, lock_);
    for (const auto& o : s.outs) {
      fs::path abs = root_ / o.path;
      if (o.cache) gitignore_add(abs.parent_path(), abs.filename().string());
    }
    reports_[i].outs = std::move(outs);
  }

  void complete(size_t i, const ExecResult& result) {
    const Stage& s = p_.stages[i];
    --running_;
    cpus_in_use_ -= std::min(s.resources.cpus, budget_);
    StageReport& r = reports_[i];
    r.exec = result;
    r.seconds = result.seconds;
    phase_[i] = Phase::done;
    if (!result.ok) {
      r.outcome = StageOutcome::failed;
      r.error = "command " + result.describe();
      if (!opt_.keep_going || result.interrupted) stop_ = true;
      obs_.stage_finished(r);
      return;
    }
    try {
      std::vector<PointerOut> outs = store_outs(i);
      run_cache_.save(r.run_cache_key, {s.name, outs});
      record(i, snapshots_.at(i), std::move(outs));
      r.outcome = StageOutcome::ran;
    } catch (const Error& e) {
      if (e.code() == Errc::interrupted) throw;
      r.outcome = StageOutcome::failed;
      r.error = e.what();
      if (!opt_.keep_going) stop_ = true;
    }
    ws_.state().flush();
    obs_.stage_finished(r);
  }

  // A run-cache entry restores the outs its stage declares and nothing else:
  // one from a shared remote that names another path (a source file, say) is
  // crafted, and is refused before anything is written.
  static void check_restorable(const Stage& s, const RunCacheEntry& hit) {
    for (const auto& o : hit.outs) {
      bool declared = std::any_of(s.outs.begin(), s.outs.end(), [&](const StageOut& d) { return d.path == o.path; });
      if (!declared)
        throw Error(Errc::integrity, "run-cache entry of stage '" + s.name + "' restores '" + o.path +
                                         "', which is not one of its outs");
    }
  }

  // A run-cache hit whose objects are (or can be made) local: check the outs
  // out and record the stage as if it had run.
  bool restore(size_t i, const StageSnapshot& now) {
    StageReport& r = reports_[i];
    std::optional<RunCacheEntry> hit = run_cache_.find(r.run_cache_key);
    bool fetched = !hit && remote_ && (hit = remote_->find(r.run_cache_key));
    if (!hit) return false;
    check_restorable(p_.stages[i], *hit);
    if (fetched) run_cache_.save(r.run_cache_key, *hit);
    bool local = true;
    for (const auto& o : hit->outs) local = local && ws_.store().contains(o.hash);
    if (!local && !(remote_ && remote_->fetch(hit->outs))) return false;
    CheckoutOptions co_opt;
    co_opt.force = true;  // outs belong to the stage; a rerun would replace them too
    co_opt.link_types = ws_.link_types();
    co_opt.jobs = ws_.jobs();
    Checkout co(root_, ws_.store(), ws_.state(), co_opt);
    try {
      for (const auto& o : hit->outs)
        co.apply(o.path, tree_ref(o));
    } catch (const Error& e) {
      if (e.code() == Errc::interrupted) throw;
      return false;  // an incomplete tree in the cache: run instead
    }
    record(i, now, hit->outs);
    phase_[i] = Phase::done;
    r.outcome = StageOutcome::restored;
    obs_.stage_finished(r);
    return true;
  }

 public:
  ~ReproRun() { wait_all(); }
};

}  // namespace

std::vector<StageReport> repro(Workspace& ws, const Pipeline& pipeline, const ReproOptions& options,
                               ReproObserver& observer, RunCacheRemote* remote) {
  ReproRun run(ws, pipeline, options, observer, remote);
  return run.run();
}

}  // namespace mlops
