// `mlops exp`: experiments are pipeline runs with params overridden for the
// run (-S), recorded like every repro; queued, shown, compared, applied back
// to the workspace and removed here.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/checkout.hpp"
#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "core/exp_queue.hpp"
#include "core/params_override.hpp"
#include "core/pipeline_spec.hpp"
#include "core/run_store.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "exp_common.hpp"
#include "pipeline_common.hpp"
#include "repro_run.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct ExpSpec {
  std::string name;
  std::vector<std::string> overrides;  // "[FILE:]KEY=VALUE"
  std::vector<std::string> targets;
};

struct RunFlags {
  int jobs = 1;
  bool force = false;
  bool no_run_cache = false;
};

// How the commands that run or apply experiments start: the repository
// locked, and params files a killed experiment left overridden put back.
struct ExpSession {
  std::unique_ptr<RepoLock> lock;
  Workspace ws;
  explicit ExpSession(Context& ctx) : lock(lock_repo(ctx)), ws(ctx.repo()) {
    for (const auto& f : ParamsOverride::recover(ws))
      ctx.out().warn(f + ": restored from before an experiment that did not finish");
  }
};

FileValues parse_overrides(const std::vector<std::string>& specs, const std::string& default_file) {
  std::vector<ParamOverride> out;
  for (const auto& s : specs) out.push_back(parse_override(s, default_file));
  return override_values(out);
}

void check_name(Workspace& ws, const std::string& name) {
  if (name.empty()) return;
  if (valid_run_id(name)) throw Error(Errc::usage, "experiment name '" + name + "' looks like a run id; pick another");
  if (RunStore(ws.store(), ws.repo().tmp_dir()).has_name(name))
    throw Error(Errc::usage, "a run named '" + name + "' exists; pick another name or `mlops exp remove " + name + "`");
}

// Runs one experiment in the workspace; the params files are back as they
// were when this returns or throws.
ReproResult run_experiment(Context& ctx, Workspace& ws, const ExpSpec& spec, const RunFlags& flags) {
  const fs::path& root = ws.repo().root();
  check_name(ws, spec.name);
  auto overrides = parse_overrides(spec.overrides, load_pipeline(root).default_params);
  ParamsOverride applied(ws, overrides);
  // Parsed again under the overrides: ${...} in commands reads the params.
  Pipeline pipeline = load_pipeline(root);
  if (pipeline.stages.empty()) throw Error(Errc::usage, "no stages: " + pipeline.origin + " is missing or empty");
  ReproOptions opt;
  opt.targets = spec.targets;
  opt.jobs = flags.jobs;
  opt.force = flags.force;
  opt.run_cache = !flags.no_run_cache;
  ReproResult result = repro_and_record(ctx, ws, pipeline, opt, {"exp", spec.name, applied.applied(), spec.targets});
  applied.restore();
  return result;
}

bool failed(const ReproResult& r) { return r.run && r.run->status != "ok"; }

std::string metrics_text(const RunRecord& run) {
  std::vector<std::string> parts;
  for (const auto& [file, values] : run.metrics)
    for (const auto& [key, value] : values)
      parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
  return parts.empty() ? "no metrics" : join(parts, " ");
}

void setup_run(CLI::App& exp, Context& ctx) {
  struct Args {
    ExpSpec spec;
    RunFlags flags;
    bool queue = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = exp.add_subcommand("run", "Run the pipeline with params overridden for this run only");
  cmd->add_option("stages", a->spec.targets, "Stages to bring up to date, with what they depend on (default: all)");
  cmd->add_option("-S,--set-param", a->spec.overrides, "Override a param for this run (repeatable)")
      ->type_name("[FILE:]KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("-n,--name", a->spec.name, "Name the run, to refer to it by name later");
  cmd->add_flag("--queue", a->queue, "Queue the experiment instead; `mlops exp queue start` runs it");
  cmd->add_flag("-f,--force", a->flags.force, "Run the stages even when they are up to date");
  cmd->add_option("-j,--jobs", a->flags.jobs, "Stages to run at once (default 1)")->check(CLI::Range(1, kMaxJobs));
  cmd->add_flag("--no-run-cache", a->flags.no_run_cache, "Run dirty stages even when the run cache has their results");
  cmd->footer(
      "Writes the overrides into the params files, runs the pipeline like `mlops repro`, records\n"
      "the run (with its overrides, params and metrics) and puts the params files back byte for\n"
      "byte, also after a failure or Ctrl-C. The outs and mlops.lock keep the experiment's\n"
      "results; `mlops repro` brings back the committed params' results (from the run cache),\n"
      "`mlops exp apply` makes an experiment's params, outs and lock the workspace's.\n\n"
      "Examples:\n"
      "  mlops exp run -S train.lr=0.2 -n lr-0.2\n"
      "  mlops exp run -S params.yaml:train.epochs=10 --queue");
  ctx.on_run(cmd, [&ctx, a] {
    ExpSession session(ctx);
    Workspace& ws = session.ws;
    if (a->queue) {
      check_name(ws, a->spec.name);
      const fs::path& root = ws.repo().root();
      check_params(root, parse_overrides(a->spec.overrides, load_pipeline(root).default_params));
      QueuedExp q = ExpQueue(ws.repo().tmp_dir()).add({"", a->spec.name, a->spec.overrides, a->spec.targets, ""});
      ctx.out().result({{"queued", q.id}, {"name", q.name}, {"overrides", q.overrides}},
                       [&] { ctx.out().line("Queued experiment " + q.id + "; run it with `mlops exp queue start`"); });
      return;
    }
    ReproResult r = run_experiment(ctx, ws, a->spec, a->flags);
    json doc = reports_json(r.reports);
    doc["run"] = r.run ? run_summary_json(*r.run) : json(nullptr);
    ctx.out().result(doc, [&] {
      if (r.run) ctx.out().line("Experiment " + r.run->id + " " + r.run->status + ": " + metrics_text(*r.run));
    });
    if (failed(r)) ctx.exit_status = 1;
  });
}

void setup_queue(CLI::App& exp, Context& ctx) {
  CLI::App* queue_cmd = exp.add_subcommand("queue", "Run, list and remove queued experiments");
  queue_cmd->require_subcommand(1);
  queue_cmd->footer("Example:\n  mlops exp run -S train.lr=0.1 --queue && mlops exp run -S train.lr=0.2 --queue\n"
                "  mlops exp queue start");

  auto flags = std::make_shared<RunFlags>();
  CLI::App* start = queue_cmd->add_subcommand("start", "Run the queued experiments, oldest first");
  start->add_option("-j,--jobs", flags->jobs, "Stages to run at once within each experiment (default 1)")
      ->check(CLI::Range(1, kMaxJobs));
  start->footer(
      "Experiments run one after another in the workspace (each changes the params files for\n"
      "its run); -j runs independent stages of each experiment in parallel. Each leaves the\n"
      "queue once it has run, failed or not; Ctrl-C leaves the current one queued.\n\n"
      "Example:\n  mlops exp queue start -j 2");
  ctx.on_run(start, [&ctx, flags] {
    ExpSession session(ctx);
    Workspace& ws = session.ws;
    ExpQueue queue(ws.repo().tmp_dir());
    json done = json::array();
    bool any_failed = false;
    for (const auto& q : queue.list()) {
      ctx.out().note("Experiment " + q.id + (q.name.empty() ? "" : " (" + q.name + ")") + ": " +
                     (q.overrides.empty() ? "no overrides" : join(q.overrides, " ")));
      json entry{{"queued", q.id}, {"name", q.name}};
      try {
        ReproResult r = run_experiment(ctx, ws, {q.name, q.overrides, q.targets}, *flags);
        entry["run"] = r.run ? json(r.run->id) : json(nullptr);
        entry["status"] = r.run ? r.run->status : "ok";
        any_failed = any_failed || failed(r);
      } catch (const Error& e) {
        if (e.code() == Errc::interrupted) throw;
        ctx.out().error("experiment " + q.id + ": " + e.what());
        entry["status"] = "error";
        entry["error"] = e.what();
        any_failed = true;
      }
      queue.remove(q.id);
      done.push_back(entry);
    }
    ctx.out().result({{"experiments", done}}, [&] {
      ctx.out().line(done.empty() ? "The queue is empty." : "Ran " + std::to_string(done.size()) + " experiment(s).");
    });
    if (any_failed) ctx.exit_status = 1;
  });

  CLI::App* list = queue_cmd->add_subcommand("list", "List the queued experiments");
  list->footer("Example:\n  mlops exp queue list");
  ctx.on_run(list, [&ctx] {
    json rows = json::array();
    for (const auto& q : ExpQueue(ctx.repo().tmp_dir()).list())
      rows.push_back({{"id", q.id}, {"name", q.name}, {"overrides", q.overrides}, {"targets", q.targets},
                      {"queued", q.queued}});
    ctx.out().result({{"queued", rows}}, [&] {
      if (rows.empty()) ctx.out().line("The queue is empty.");
      for (const auto& r : rows)
        ctx.out().line(r["id"].get<std::string>() + "  " + (r["name"] == "" ? "-" : r["name"].get<std::string>()) +
                       "  " + join(r["overrides"].get<std::vector<std::string>>(), " "));
    });
  });

  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* remove = queue_cmd->add_subcommand("remove", "Remove queued experiments without running them");
  remove->add_option("experiments", *ids, "Ids (or unique prefixes) or names")->required();
  remove->footer("Example:\n  mlops exp queue remove 0190a3f2");
  ctx.on_run(remove, [&ctx, ids] {
    auto lock = lock_repo(ctx);
    ExpQueue queue(ctx.repo().tmp_dir());
    std::vector<std::string> found;
    for (const auto& ref : *ids) found.push_back(queue.find(ref).id);
    for (const auto& id : found) queue.remove(id);
    ctx.out().result({{"removed", found}}, [&] {
      for (const auto& id : found) ctx.out().line("Removed queued experiment " + id);
    });
  });
}

// Brings the outs' objects into the cache from the default remote when
// they are missing; Error naming the first one still missing.
void ensure_outs_local(Context& ctx, Workspace& ws, const std::vector<PointerOut>& outs, const std::string& run) {
  auto missing = [&] {
    for (const auto& o : outs)
      if (!ws.store().contains(o.hash)) return o.path;
    return std::string();
  };
  if (missing().empty()) return;
  if (auto remote = open_run_cache_remote(ctx, ws, true)) remote->fetch(outs);
  if (std::string path = missing(); !path.empty())
    throw Error(Errc::failure, "out '" + path + "' of run " + run +
                                   " is neither in the cache nor on the default remote (was it garbage-collected?)");
}

void setup_apply(CLI::App& exp, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App* cmd = exp.add_subcommand("apply", "Make a run's params, outs and mlops.lock the workspace's");
  cmd->add_option("run", *ref, "Run id (or a unique prefix) or name")->required();
  cmd->add_flag("-f,--force", *force, "Overwrite outs with unsaved changes");
  cmd->footer(
      "Writes the run's param values into the params files (changing only those values),\n"
      "checks out the outs the run produced from the cache (or the default remote) and records\n"
      "them in mlops.lock, so `mlops status` is clean and the result can be committed.\n\n"
      "Example:\n  mlops exp apply lr-0.2 && git commit -am 'Use lr 0.2'");
  ctx.on_run(cmd, [&ctx, ref, force] {
    ExpSession session(ctx);
    Workspace& ws = session.ws;
    const fs::path& root = ws.repo().root();
    RunStore runs(ws.store(), ws.repo().tmp_dir());
    RunRecord run = runs.load(runs.resolve(*ref));
    if (run.status != "ok") throw Error(Errc::usage, "run " + run.id + " failed; only a finished run can be applied");
    ensure_outs_local(ctx, ws, run.outs(), run.id);

    FileValues changed = set_params(root, run.params);
    size_t params = 0;
    for (const auto& [file, values] : changed) params += values.size();

    CheckoutOptions co;
    co.force = *force;
    co.link_types = ws.link_types();
    co.jobs = ws.jobs();
    Checkout checkout(root, ws.store(), ws.state(), co);
    for (const auto& o : run.outs()) checkout.apply(o.path, tree_ref(o));

    Pipeline pipeline = load_pipeline(root);
    PipelineLock lock_file = read_lock(root);
    std::vector<std::string> stages;
    for (const auto& s : run.stages) {
      if (!s.lock) continue;
      if (!pipeline.find(s.name)) {
        ctx.out().warn("stage '" + s.name + "' is no longer in " + pipeline.origin + "; its lock entry is not restored");
        continue;
      }
      lock_file.stages[s.name] = *s.lock;
      stages.push_back(s.name);
    }
    write_lock(root, lock_file);
    ws.state().flush();

    const auto& st = checkout.stats();
    json doc{{"run", run.id},
             {"params", file_values_json(changed)},
             {"stages", stages},
             {"checkout", {{"created", st.created}, {"updated", st.updated}, {"deleted", st.deleted},
                           {"refused", st.refused}}}};
    ctx.out().result(doc, [&] {
      ctx.out().line("Applied run " + run.id + ": " + std::to_string(params) + " param(s) changed, " +
                     std::to_string(st.created + st.updated + st.deleted) + " file(s) checked out, " +
                     std::to_string(stages.size()) + " stage(s) in mlops.lock");
    });
    if (!st.refused.empty()) {
      ctx.out().error("left " + std::to_string(st.refused.size()) +
                      " file(s) with unsaved changes alone; `mlops exp apply --force` overwrites them");
      ctx.exit_status = 1;
    }
  });
}

void setup_remove(CLI::App& exp, Context& ctx) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto all = std::make_shared<bool>(false);
  CLI::App* cmd = exp.add_subcommand("remove", "Remove runs (their records go with the next gc)");
  cmd->alias("rm");
  cmd->add_option("runs", *refs, "Run ids (or unique prefixes) or names");
  cmd->add_flag("--all", *all, "Remove every run");
  cmd->footer(
      "Removes the runs from this cache. Runs already pushed stay on the remote and come back\n"
      "with the next pull.\n\nExample:\n  mlops exp remove lr-0.2 0190a3f2c1");
  ctx.on_run(cmd, [&ctx, refs, all] {
    if (refs->empty() == !*all) throw Error(Errc::usage, "name the runs to remove, or use --all");
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    RunStore runs(ws.store(), ws.repo().tmp_dir());
    std::vector<std::string> ids = *all ? runs.ids() : std::vector<std::string>{};
    for (const auto& r : *refs) ids.push_back(runs.resolve(r));
    for (const auto& id : ids) runs.remove(id);
    ctx.out().result({{"removed", ids}}, [&] {
      ctx.out().line("Removed " + std::to_string(ids.size()) + " run(s).");
    });
  });
}

void setup_reindex(CLI::App& exp, Context& ctx) {
  CLI::App* cmd = exp.add_subcommand("reindex", "Rebuild the run index from the run records in the cache");
  cmd->footer(
      "The index (.mlops/tmp/runs.sqlite) is only a cache of the records; it follows the cache\n"
      "by itself, and this rebuilds it from scratch.\n\nExample:\n  mlops exp reindex");
  ctx.on_run(cmd, [&ctx] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    RunStore runs(ws.store(), ws.repo().tmp_dir());
    size_t n = runs.reindex();
    for (const auto& p : runs.problems()) ctx.out().warn(p);
    ctx.out().result({{"runs", n}, {"problems", runs.problems()}},
                     [&] { ctx.out().line("Indexed " + std::to_string(n) + " run(s)."); });
  });
}

}  // namespace

void setup_exp(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(
      "Every `mlops repro` and `mlops exp run` is recorded as a run: params, metrics, outs,\n"
      "stage timings, git commit, host. Runs are stored in the cache and travel with push and\n"
      "pull. Name a run by its id, a unique prefix of it, or its name.\n\n"
      "Examples:\n"
      "  mlops exp run -S train.lr=0.2 -n lr-0.2\n"
      "  mlops exp show --sort-by acc --desc\n"
      "  mlops exp diff lr-0.1 lr-0.2");
  setup_run(cmd, ctx);
  setup_queue(cmd, ctx);
  setup_exp_show(cmd, ctx);
  setup_exp_list(cmd, ctx);
  setup_exp_diff(cmd, ctx);
  setup_apply(cmd, ctx);
  setup_remove(cmd, ctx);
  setup_reindex(cmd, ctx);
}

}  // namespace mlops::cli
