#include "pipeline_common.hpp"

#include <cstdio>
#include <unordered_set>

#include "core/checkout.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "core/tracked.hpp"
#include "core/workspace.hpp"
#include "remote_session.hpp"

namespace mlops::cli {

std::string reasons_text(const std::vector<StageReason>& why, bool all) {
  if (why.empty()) return "up to date";
  std::string text = why.front().text;
  if (!all && why.size() > 1) return text + " (and " + std::to_string(why.size() - 1) + " more; -v lists them)";
  for (size_t i = 1; i < why.size(); ++i) text += "; " + why[i].text;
  return text;
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  return buf;
}

json reasons_json(const std::vector<StageReason>& why) {
  json out = json::array();
  for (const auto& r : why) out.push_back({{"kind", r.kind}, {"path", r.path}, {"text", r.text}});
  return out;
}

json reports_json(const std::vector<StageReport>& reports) {
  json stages = json::array();
  for (const auto& r : reports) {
    json s{{"stage", r.stage}, {"outcome", outcome_name(r.outcome)}, {"reasons", reasons_json(r.reasons)}};
    if (r.outcome == StageOutcome::ran || r.outcome == StageOutcome::failed) {
      s["seconds"] = r.seconds;
      s["exit_code"] = r.exec.exit_code;
    }
    if (!r.error.empty()) s["error"] = r.error;
    if (!r.run_cache_key.empty()) s["run_cache_key"] = r.run_cache_key;
    json outs = json::array();
    for (const auto& o : r.outs) outs.push_back({{"path", o.path}, {"hash", o.hash.str()}, {"size", o.size}});
    if (!outs.empty()) s["outs"] = outs;
    stages.push_back(std::move(s));
  }
  return {{"stages", stages}};
}

namespace {

class SilentObserver final : public ReproObserver {
 public:
  void output(const std::string&, std::string_view, bool) override {}
  void stage_started(const Stage&, const std::vector<StageReason>&) override {}
  void stage_finished(const StageReport&) override {}
};

class RemoteRunCache final : public RunCacheRemote {
 public:
  RemoteRunCache(Context& ctx, Workspace& ws, const std::string& name) : ctx_(ctx), ws_(ws), session_(ctx, name, 0) {}

  std::optional<RunCacheEntry> find(const std::string& key) override {
    std::string name = RunCache::relative_name(key);
    auto got = session_.remote->get_bytes(name);
    if (!got.ok()) {
      if (got.failure().kind == FailureKind::not_found) return std::nullopt;
      ctx_.out().warn("run cache on remote '" + session_.spec.name + "' unavailable: " + got.failure().message);
      return std::nullopt;
    }
    return parse_run_cache_entry(got.value(), session_.spec.name + ":" + name);
  }

  bool fetch(const std::vector<PointerOut>& outs) override {
    std::vector<TreeRef> roots;
    for (const auto& o : outs) roots.push_back(tree_ref(o));
    return fetch_into_cache(ctx_, ws_, session_, roots).missing.empty();
  }

 private:
  Context& ctx_;
  Workspace& ws_;
  RemoteSession session_;
};

}  // namespace

std::vector<StageReport> dry_run(Workspace& ws, bool allow_missing) {
  Pipeline pipeline = load_pipeline(ws.repo().root());
  if (pipeline.stages.empty()) return {};
  ReproOptions opt;
  opt.dry_run = true;
  opt.allow_missing = allow_missing;
  SilentObserver quiet;
  return repro(ws, pipeline, opt, quiet, nullptr);
}

std::unique_ptr<RunCacheRemote> open_run_cache_remote(Context& ctx, Workspace& ws, bool enabled) {
  if (!enabled) return nullptr;
  const Config& c = ctx.repo().config();
  std::string name = c.get_string("core.remote");
  auto names = c.names_in("remote");
  if (name.empty() && names.size() == 1) name = names.front();
  if (name.empty()) return nullptr;
  return std::make_unique<RemoteRunCache>(ctx, ws, choose_remote(c, name));
}

size_t push_run_cache(Workspace& ws, Remote& remote, const std::vector<TreeRef>& pushed) {
  std::unordered_set<Hash, HashHasher> roots;
  for (const auto& r : pushed) roots.insert(r.hash);
  RunCache cache(ws.store().cache_dir());
  std::vector<std::string> names;
  std::vector<std::string> bodies;
  for (const auto& key : cache.keys()) {
    auto entry = cache.find(key);
    if (!entry || entry->outs.empty()) continue;  // removed meanwhile, or nothing to restore
    bool all = true;
    for (const auto& o : entry->outs) all = all && roots.count(o.hash);
    if (!all) continue;
    names.push_back(RunCache::relative_name(key));
    bodies.push_back(format_run_cache_entry(*entry));
  }
  if (names.empty()) return 0;
  std::vector<bool> there = take(remote.exists(names));
  size_t sent = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (there[i]) continue;
    check(remote.put_bytes(names[i], bodies[i]));
    ++sent;
  }
  return sent;
}

void pull_pipeline_data(Context& ctx, Workspace& ws) {
  RemoteSession session(ctx, "", 0);
  std::vector<Tracked> tracked = find_tracked(ws.repo().root());
  std::vector<TreeRef> roots;
  for (const auto& t : tracked) roots.push_back(tree_ref(t.out));
  TransferStats s = fetch_into_cache(ctx, ws, session, roots);
  CheckoutOptions opt;
  opt.link_types = ws.link_types();
  opt.jobs = ws.jobs();
  Checkout co(ws.repo().root(), ws.store(), ws.state(), opt);
  for (const auto& tr : tracked)
    if (ws.store().contains(tr.out.hash)) co.apply(tr.path, tree_ref(tr.out));
  ctx.out().note("Fetched " + std::to_string(s.objects) + " objects from " + session.spec.name);
}

}  // namespace mlops::cli
