#include "model_artifact.hpp"

#include "atomic_file.hpp"
#include "error.hpp"
#include "git_history.hpp"
#include "pipeline_lock.hpp"
#include "text.hpp"
#include "tracked.hpp"
#include "workspace.hpp"
#include "workspace_scan.hpp"

namespace fs = std::filesystem;

namespace mlops {

CommittedArtifact committed_artifact(Workspace& ws, const GitHistory& git, const fs::path& cwd,
                                     const std::string& arg) {
  const fs::path& root = ws.repo().root();
  std::string rel = repo_relative(root, cwd, arg);
  if (rel.ends_with(kPointerSuffix)) rel.resize(rel.size() - kPointerSuffix.size());
  std::vector<Tracked> found = select_tracked(root, cwd, {arg});
  const Tracked* t = nullptr;
  for (const auto& f : found)
    if (f.path == rel) t = &f;
  if (!t) {
    std::string names;
    for (const auto& f : found) names += "\n  " + f.path;
    throw Error(Errc::usage, "'" + arg + "' is not itself a tracked path; name the one to register:" + names);
  }
  CommittedArtifact a;
  a.commit = git.resolve("HEAD");
  a.pointer = t->pointer;
  auto committed = git.read_file(a.commit, t->pointer);
  if (!committed)
    throw Error(Errc::failure, t->pointer + " is not committed: run `git add " + t->pointer +
                                   "` and `git commit`, then register");
  if (*committed != read_file(root / t->pointer))
    throw Error(Errc::failure, t->pointer + " has changes that are not committed: commit them, then register");
  if (stat_file(root / t->path)) {
    WorkspaceScanner scanner(root, ws.state(), {nullptr, ws.jobs(), nullptr});
    ScanResult now = scanner.scan(t->path);
    if (now.hash != t->out.hash || (now.kind == EntryKind::dir) != (t->out.kind == OutKind::dir))
      throw Error(Errc::failure, t->path + " differs from what " + t->pointer +
                                     " records: `mlops commit` and `git commit` it, or `mlops checkout` it, "
                                     "then register");
  } else {
    a.in_workspace = false;
  }
  a.record.path = t->path;
  a.record.hash = t->out.hash;
  a.record.kind = t->out.kind == OutKind::dir ? "dir" : "file";
  a.record.size = t->out.size;
  return a;
}

Hash lock_out_hash(const fs::path& root, const std::string& stage, const std::string& out) {
  PipelineLock lock = read_lock(root);
  auto it = lock.stages.find(stage);
  if (it == lock.stages.end()) {
    std::vector<std::string> names;
    for (const auto& [name, entry] : lock.stages) names.push_back(name);
    throw Error(Errc::usage, std::string(kLockFile) + " records no stage '" + stage + "'" +
                                 (names.empty() ? "; run `mlops repro` first" : " (stages: " + join(names, ", ") + ")"));
  }
  if (const PointerOut* o = it->second.out(out)) return o->hash;
  std::vector<std::string> outs;
  for (const auto& o : it->second.outs) outs.push_back(o.path);
  throw Error(Errc::usage, "stage '" + stage + "' has no out '" + out + "' in " + std::string(kLockFile) +
                               (outs.empty() ? "" : " (outs: " + join(outs, ", ") + ")"));
}

std::optional<PointerOut> pointer_at(const GitHistory& git, const std::string& commit, const std::string& path) {
  std::string label = commit.substr(0, 12) + ":";
  std::string pointer = path + std::string(kPointerSuffix);
  if (auto text = git.read_file(commit, pointer)) {
    std::string name = fs::path(path).filename().string();
    for (const auto& o : parse_pointer(*text, label + pointer).outs)
      if (o.path == name) return o;
    return std::nullopt;
  }
  if (auto text = git.read_file(commit, std::string(kLockFile)))
    for (const auto& [stage, entry] : parse_lock(*text, label + std::string(kLockFile)).stages)
      if (const PointerOut* o = entry.out(path)) return *o;
  return std::nullopt;
}

std::optional<TreeRef> artifact_ref(const ArtifactRecord& record) {
  if (!record.hash) return std::nullopt;
  return TreeRef{record.kind == "dir" ? EntryKind::dir : EntryKind::file, *record.hash, record.size};
}

}  // namespace mlops
