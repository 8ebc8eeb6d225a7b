#include "track_ops.hpp"

#include "error.hpp"
#include "gitignore.hpp"
#include "state_index.hpp"

namespace fs = std::filesystem;

namespace mlops {

UntrackResult untrack(const fs::path& root, const Tracked& t, bool remove_data) {
  UntrackResult r;
  fs::path data = root / t.path;
  if (remove_data && stat_file(data)) {
    fs::remove_all(data);
    r.data_removed = true;
  }
  fs::remove(root / t.pointer);
  r.gitignore_changed = gitignore_remove(data.parent_path(), t.out.path);
  return r;
}

MoveResult move_tracked(const fs::path& root, const Tracked& t, const std::string& dst_in) {
  std::string dst = dst_in;
  if (fs::is_directory(root / dst) && !fs::is_symlink(root / dst))
    dst = (fs::path(dst) / fs::path(t.path).filename()).string();
  fs::path from = root / t.path, to = root / dst;
  if (dst == t.path) throw Error(Errc::usage, "'" + t.path + "' and '" + dst + "' are the same path");
  if (stat_file(to)) throw Error(Errc::usage, "cannot move to '" + dst + "': it exists");
  fs::path to_pointer = root / (dst + std::string(kPointerSuffix));
  if (stat_file(to_pointer)) throw Error(Errc::usage, "cannot move to '" + dst + "': " + dst + ".mlops exists");
  if (!fs::is_directory(to.parent_path()))
    throw Error(Errc::usage, "cannot move to '" + dst + "': directory " + to.parent_path().string() + " does not exist");

  if (stat_file(from)) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) throw Error(Errc::failure, "cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  }
  PointerOut out = t.out;
  out.path = to.filename().string();
  write_pointer(to_pointer, PointerFile{{out}});
  fs::remove(root / t.pointer);
  gitignore_remove(from.parent_path(), t.out.path);
  gitignore_add(to.parent_path(), out.path);
  return {dst, dst + std::string(kPointerSuffix)};
}

}  // namespace mlops
