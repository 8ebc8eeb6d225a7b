#include "stage_state.hpp"

#include "atomic_file.hpp"
#include "digest.hpp"
#include "error.hpp"
#include "params_edit.hpp"
#include "state_index.hpp"
#include "structured_file.hpp"
#include "text.hpp"
#include "workspace_scan.hpp"
#include "yaml_json.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string brief(const nlohmann::json& v) {
  std::string s = v.is_null() ? "(none)" : v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

}  // namespace

StageInspector::StageInspector(fs::path root, StateIndex& state, const PipelineLock& lock, bool allow_missing)
    : root_(std::move(root)), state_(state), lock_(lock), allow_missing_(allow_missing) {}

std::optional<PointerOut> StageInspector::hash_path(const std::string& rel) {
  if (!stat_file(root_ / rel)) return std::nullopt;
  WorkspaceScanner scanner(root_, state_, {nullptr, 1, nullptr});
  ScanResult r = scanner.scan(rel);
  PointerOut o;
  o.path = rel;
  o.hash = r.hash;
  o.kind = r.kind == EntryKind::dir ? OutKind::dir : OutKind::file;
  o.size = r.size;
  o.files = r.kind == EntryKind::dir ? r.files : 0;
  return o;
}

std::optional<PointerOut> StageInspector::recorded(const std::string& rel) const {
  for (const auto& [name, st] : lock_.stages)
    if (const PointerOut* o = st.out(rel)) return *o;
  fs::path pointer = root_ / (rel + std::string(kPointerSuffix));
  if (fs::exists(pointer)) {
    PointerFile p = read_pointer(pointer);
    if (!p.outs.empty()) {
      PointerOut o = p.outs.front();
      o.path = rel;
      return o;
    }
  }
  return std::nullopt;
}

const nlohmann::json& StageInspector::params_file(const std::string& file) {
  auto it = params_.find(file);
  if (it != params_.end()) return it->second;
  fs::path abs = root_ / file;
  if (!fs::exists(abs)) throw Error(Errc::usage, "params file '" + file + "' does not exist");
  return params_[file] = read_structured_file(abs, file);
}

StageSnapshot StageInspector::snapshot(const Stage& stage) {
  StageSnapshot s;
  s.cmd = stage.cmd;
  auto locked = lock_.stages.find(stage.name);
  for (const auto& d : stage.deps) {
    auto h = hash_path(d);
    if (!h && allow_missing_) h = recorded(d);
    if (!h && allow_missing_ && locked != lock_.stages.end())
      if (const PointerOut* was = locked->second.dep(d)) h = *was;  // inside a dir out, say: trust the lock
    if (h) s.deps.push_back(*h);
    else s.missing_deps.push_back(d);
  }
  s.params = params(stage);
  return s;
}

ParamValues StageInspector::params(const Stage& stage) {
  ParamValues out;
  for (const auto& p : stage.params) {
    const nlohmann::json& doc = params_file(p.file);
    if (p.key.empty()) {
      if (!doc.is_object()) throw Error(Errc::usage, "params file '" + p.file + "' is not a mapping");
      for (const auto& [k, v] : doc.items()) out[p.file][k] = v;
      continue;
    }
    const nlohmann::json* v = find_param(doc, p.key);
    if (!v)
      throw Error(Errc::usage, p.pos.str() + ": stage '" + stage.name + "' uses param '" + p.key + "' that '" + p.file +
                                   "' does not define");
    out[p.file][p.key] = *v;
  }
  return out;
}

std::vector<StageReason> StageInspector::reasons(const Stage& stage, const StageSnapshot& now) {
  std::vector<StageReason> why;
  if (stage.frozen) return why;
  auto it = lock_.stages.find(stage.name);
  if (it == lock_.stages.end()) return {{"never-run", "", "never run"}};
  const StageLock& was = it->second;
  if (stage.always_changed) why.push_back({"always-changed", "", "always_changed is set"});
  if (was.cmd != now.cmd) why.push_back({"cmd", "", "command changed"});
  for (const auto& d : now.missing_deps) why.push_back({"dep", d, "dep '" + d + "' is missing"});
  for (const auto& d : now.deps) {
    const PointerOut* old = was.dep(d.path);
    if (!old) why.push_back({"dep", d.path, "dep '" + d.path + "' is new"});
    else if (old->hash != d.hash) why.push_back({"dep", d.path, "dep '" + d.path + "' modified"});
  }
  for (const auto& old : was.deps)
    if (std::find(stage.deps.begin(), stage.deps.end(), old.path) == stage.deps.end())
      why.push_back({"dep", old.path, "dep '" + old.path + "' removed"});
  for (const auto& [file, keys] : now.params)
    for (const auto& [key, value] : keys) {
      const nlohmann::json* old = nullptr;
      auto f = was.params.find(file);
      if (f != was.params.end() && f->second.count(key)) old = &f->second.at(key);
      if (!old || canonical_text(*old) != canonical_text(value))
        why.push_back({"param", file + ":" + key,
                       "param '" + key + "' changed: " + brief(old ? *old : nlohmann::json()) + " -> " + brief(value)});
    }
  for (const auto& o : stage.outs) {
    const PointerOut* old = was.out(o.path);
    auto cur = hash_path(o.path);
    if (!cur && allow_missing_ && old) continue;
    if (!cur) why.push_back({"out", o.path, "out '" + o.path + "' is missing"});
    else if (!old || old->hash != cur->hash) why.push_back({"out", o.path, "out '" + o.path + "' modified"});
  }
  return why;
}

std::string run_cache_key(const Stage& stage, const StageSnapshot& now) {
  nlohmann::json key;
  key["cmd"] = now.cmd;
  key["wdir"] = stage.wdir;
  key["env"] = stage.env;
  for (const auto& d : now.deps) key["deps"].push_back({d.path, d.hash.str()});
  for (const auto& [file, keys] : now.params)
    for (const auto& [k, v] : keys) key["params"][file][k] = canonical_text(v);
  for (const auto& o : stage.outs) key["outs"].push_back(o.path);
  return hash_bytes(key.dump()).hex();
}

}  // namespace mlops
