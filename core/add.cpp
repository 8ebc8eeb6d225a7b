#include "add.hpp"

#include <sys/stat.h>

#include "confined_dirs.hpp"
#include "error.hpp"
#include "git_repo.hpp"
#include "gitignore.hpp"
#include "pipeline_lock.hpp"
#include "text.hpp"
#include "workspace_path.hpp"

namespace fs = std::filesystem;

namespace mlops {

Adder::Adder(Workspace& ws, Progress* progress)
    : ws_(ws), scanner_(ws.repo().root(), ws.state(), ScanOptions{&ws.store(), ws.jobs(), progress, false}) {}

void Adder::check_addable(const std::string& rel) const {
  const fs::path& root = ws_.repo().root();
  fs::path p(rel);
  if (auto why = unsafe_workspace_path(rel)) throw Error(Errc::usage, "cannot track '" + shown_path(rel) + "': " + *why);
  // The pointer and .gitignore are written beside `rel`: a symlink on the way
  // would put them, and take the data, outside the repository.
  if (!ConfinedDirs(root).open(p.parent_path().string(), false))
    throw Error(Errc::usage, "cannot track '" + rel + "': it does not exist");
  if (rel.ends_with(kPointerSuffix))
    throw Error(Errc::usage, "cannot track '" + rel + "': it is a pointer file; name the path it points to");
  for (fs::path a = p.parent_path(); !a.empty(); a = a.parent_path())
    if (fs::exists(root / (a.string() + std::string(kPointerSuffix))))
      throw Error(Errc::usage, "cannot track '" + rel + "': it is inside the tracked directory '" + a.string() +
                                   "'; run `mlops commit " + a.string() + "` to record changes to it");
  for (const auto& [stage, entry] : read_lock(root).stages)
    for (const auto& o : entry.outs)
      if (o.path == rel || starts_with(rel, o.path + "/") || starts_with(o.path, rel + "/"))
        throw Error(Errc::usage, "cannot track '" + rel + "': stage '" + stage + "' writes '" + o.path +
                                     "', and mlops.lock records it");
  struct stat st {};
  if (::lstat((root / rel).c_str(), &st) != 0) throw Error(Errc::usage, "cannot track '" + rel + "': it does not exist");
  if (S_ISLNK(st.st_mode))
    throw Error(Errc::usage, "cannot track '" + rel + "': it is a symbolic link; track what it points to");
  if (auto git = git_workdir(root)) {
    std::string in_git = (root / rel).lexically_relative(*git).string();
    if (git_tracks(*git, in_git))
      throw Error(Errc::usage, "cannot track '" + rel + "': git already tracks it; run `git rm -r --cached " + rel +
                                   "` first to hand it over to mlops");
  }
}

AddOutcome Adder::add(const std::string& rel) {
  check_addable(rel);
  const fs::path& root = ws_.repo().root();
  AddOutcome r;
  r.path = rel;
  r.pointer = rel + std::string(kPointerSuffix);
  std::optional<PointerOut> before;
  if (fs::exists(root / r.pointer)) {
    PointerFile old = read_pointer(root / r.pointer);
    for (const auto& o : old.outs)
      if (o.path == fs::path(rel).filename().string()) before = o;
    r.was_tracked = true;
  }

  ScanResult scanned = scanner_.scan(rel);
  ws_.store().flush();  // objects are durable before the pointer names them

  r.out.path = fs::path(rel).filename().string();
  r.out.hash = scanned.hash;
  r.out.kind = scanned.kind == EntryKind::dir ? OutKind::dir : OutKind::file;
  r.out.size = scanned.size;
  r.out.files = scanned.kind == EntryKind::dir ? scanned.files : 0;
  r.changed = !before || before->hash != r.out.hash || before->kind != r.out.kind || before->size != r.out.size;
  if (r.changed) write_pointer(root / r.pointer, PointerFile{{r.out}});
  r.gitignore_changed = gitignore_add((root / rel).parent_path(), r.out.path);
  return r;
}

}  // namespace mlops
