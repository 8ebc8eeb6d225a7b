#include "tracked.hpp"

#include <dirent.h>

#include <algorithm>
#include <set>

#include "error.hpp"
#include "pipeline_lock.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

void walk(const fs::path& root, const std::string& rel, std::vector<Tracked>& out) {
  fs::path dir = rel.empty() ? root : root / rel;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> pointers, subdirs;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == ".git" || name == ".mlops") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      std::error_code ec;
      is_dir = fs::is_directory(dir / name, ec) && !fs::is_symlink(dir / name, ec);
    }
    if (is_dir) subdirs.push_back(name);
    else if (name.size() > kPointerSuffix.size() && name.ends_with(kPointerSuffix)) pointers.push_back(name);
  }
  ::closedir(d);
  std::set<std::string> outs;
  for (const auto& p : pointers) {
    std::string prel = rel.empty() ? p : rel + "/" + p;
    PointerFile pf = read_pointer(root / prel);
    for (const auto& o : pf.outs) {
      std::string orel = rel.empty() ? o.path : rel + "/" + o.path;
      outs.insert(fs::path(o.path).begin()->string());
      out.push_back({orel, prel, o});
    }
  }
  for (const auto& s : subdirs)
    if (!outs.count(s)) walk(root, rel.empty() ? s : rel + "/" + s, out);
}

bool under(const std::string& path, const std::string& dir) {
  return dir.empty() || path == dir || (path.size() > dir.size() && starts_with(path, dir) && path[dir.size()] == '/');
}

}  // namespace

bool Tracked::stage_out() const { return pointer == kLockFile; }

std::vector<Tracked> find_tracked(const fs::path& root) {
  std::vector<Tracked> out;
  walk(root, "", out);
  std::set<std::string> by_pointer;
  for (const auto& t : out) by_pointer.insert(t.path);
  for (const auto& [stage, entry] : read_lock(root).stages)
    for (const auto& o : entry.outs)
      if (!by_pointer.count(o.path)) out.push_back({o.path, std::string(kLockFile), o});
  std::sort(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.path < b.path; });
  return out;
}

std::string repo_relative(const fs::path& root, const fs::path& cwd, const std::string& arg) {
  fs::path abs = (cwd / arg).lexically_normal();
  std::string rel = abs.lexically_relative(root).string();
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  if (rel.empty() || rel == ".") throw Error(Errc::usage, "'" + arg + "' is the repository itself; name a path inside it");
  if (rel == ".." || starts_with(rel, "../"))
    throw Error(Errc::usage, "'" + arg + "' is outside the repository " + root.string());
  return rel;
}

std::vector<Tracked> select_tracked(const fs::path& root, const fs::path& cwd, const std::vector<std::string>& args) {
  std::vector<Tracked> all = find_tracked(root);
  if (args.empty()) return all;
  std::vector<Tracked> out;
  std::set<std::string> seen;
  for (const auto& arg : args) {
    std::string rel;
    fs::path abs = (cwd / arg).lexically_normal();
    if (abs == root || (abs.string() + "/") == root.string()) rel = "";
    else rel = repo_relative(root, cwd, arg);
    if (rel.ends_with(kPointerSuffix)) rel.resize(rel.size() - kPointerSuffix.size());
    bool found = false;
    for (const auto& t : all) {
      if (!under(t.path, rel)) continue;
      found = true;
      if (seen.insert(t.path).second) out.push_back(t);
    }
    if (!found) throw Error(Errc::usage, "'" + arg + "' is not tracked by mlops (no " + (rel.empty() ? arg : rel) +
                                             ".mlops); use `mlops add` first");
  }
  return out;
}

}  // namespace mlops
