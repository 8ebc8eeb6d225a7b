#include "checkout.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <span>

#include "error.hpp"
#include "materialize.hpp"
#include "object_store.hpp"
#include "parallel.hpp"
#include "scan_read.hpp"
#include "tree_read.hpp"
#include "workspace_path.hpp"
#include "workspace_scan.hpp"
#include "workspace_temp.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

bool is_real_dir(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

// An unsaved change left alone must not stand where the target needs a file
// (a directory becoming a file) or a directory (a file becoming one): the
// checkout could not finish, and finishing it would lose the change. Checked
// before anything is deleted, so a refusal changes nothing.
void refuse_kind_conflicts(std::span<const std::string> refused, const std::set<std::string>& files,
                           const std::set<std::string>& dirs, const std::string& rel) {
  for (const auto& r : refused) {
    std::string clash = dirs.count(r) ? r + " becomes a directory" : "";
    for (fs::path p = fs::path(r).parent_path(); !p.empty() && clash.empty(); p = p.parent_path())
      if (files.count(p.string())) clash = p.string() + " becomes a file";
    if (!clash.empty())
      throw Error(Errc::failure, "cannot check out " + rel + ": " + clash + " and " + r +
                                     " holds unsaved changes; save them with `mlops commit` or use --force");
  }
}

}  // namespace

Checkout::Checkout(fs::path repo_root, ObjectStore& store, StateIndex& state, CheckoutOptions options)
    : root_(std::move(repo_root)), store_(store), state_(state), opt_(std::move(options)), dirs_(root_) {}

void Checkout::collect_all(const TreeRef& ref, const std::string& path, std::vector<Job>& jobs,
                           std::vector<std::string>& dirs) {
  if (ref.kind != EntryKind::dir) {
    jobs.push_back({path, ref.kind, ref.hash, false});
    return;
  }
  dirs.push_back(path);
  Tree t = read_tree(store_, ref.hash, path);
  for (const auto& e : t.entries) collect_all({e.kind, e.hash, e.size}, path + "/" + e.name, jobs, dirs);
}

void Checkout::collect_dirs(const TreeRef& ref, const std::string& path, std::vector<std::string>& dirs) {
  if (ref.kind != EntryKind::dir) return;
  dirs.push_back(path);
  Tree t = read_tree(store_, ref.hash, path);
  for (const auto& e : t.entries)
    if (e.kind == EntryKind::dir) collect_dirs({e.kind, e.hash, e.size}, path + "/" + e.name, dirs);
}

// Turns the differences between workspace and target into deletions and
// file jobs, leaving unsaved workspace changes alone unless forced.
void Checkout::plan(const std::vector<FileChange>& changes, const std::string& rel, std::vector<Job>& jobs,
                    const std::vector<std::string>& dirs) {
  std::vector<std::string> doomed;
  size_t refused_before = stats_.refused.size();
  for (const auto& c : changes) {
    using T = FileChange::Type;
    if (c.type == T::deleted || c.type == T::modified) {
      // The old side of the change is the workspace's content: it is saved
      // when the cache has it, and then can always be brought back.
      if (!opt_.force && !store_.contains(c.old_hash)) {
        stats_.refused.push_back(c.path);
        continue;
      }
      if (c.type == T::deleted) doomed.push_back(c.path);
      else jobs.push_back({c.path, c.new_kind, c.new_hash, true});
    } else {
      if (c.type == T::renamed) doomed.push_back(c.old_path);  // its content is the target's: saved
      jobs.push_back({c.path, c.new_kind, c.new_hash, false});
    }
  }
  std::set<std::string> files;
  for (const auto& j : jobs) files.insert(j.path);
  refuse_kind_conflicts(std::span(stats_.refused).subspan(refused_before), files,
                        std::set<std::string>(dirs.begin(), dirs.end()), rel);
  // Deepest first, so that a file can make way for a directory of the same
  // name and the other way round.
  std::sort(doomed.rbegin(), doomed.rend());
  for (const auto& d : doomed) {
    dirs_.remove(d);
    stats_.deleted++;
    // Directories emptied by the deletion go too; the target's are recreated.
    for (fs::path p = fs::path(d).parent_path(); p.string().size() > rel.size(); p = p.parent_path())
      if (!dirs_.remove_empty_dir(p.string())) break;
  }
  // A directory becoming a file: all it held was deleted above (saved, or
  // forced), and what is left are empty directories and temps.
  for (const auto& j : jobs)
    if (is_real_dir(root_ / j.path)) dirs_.remove(j.path);
}

void Checkout::apply(const std::string& rel, const TreeRef& target) {
  // Readers already refuse unsafe paths; this is the last gate before writing.
  check_workspace_path(rel, "checkout", Errc::usage);
  dirs_.open(fs::path(rel).parent_path().string(), false);  // refuses a symlink on the way to `rel`
  std::vector<Job> jobs;
  std::vector<std::string> dirs;
  // What an interrupted checkout left is removed first (DESIGN §9.2).
  remove_workspace_temps_beside(root_ / rel);
  if (!stat_file(root_ / rel)) {
    collect_all(target, rel, jobs, dirs);
  } else {
    WorkspaceScanner scanner(root_, state_, {nullptr, opt_.jobs, nullptr});
    ScanResult now = scanner.scan(rel);
    remove_workspace_temps(root_, now.temps);
    if (now.kind == target.kind && now.hash == target.hash) {
      if (!opt_.relink) return;
      collect_all(target, rel, jobs, dirs);
      for (auto& j : jobs) j.replace = true;
    } else {
      TreeLoader load = [&](const Hash& h) -> std::optional<Tree> {
        if (auto it = now.trees.find(h); it != now.trees.end()) return it->second;
        if (!store_.contains(h)) return std::nullopt;
        return read_tree(store_, h);
      };
      collect_dirs(target, rel, dirs);
      plan(diff_trees(load, TreeRef{now.kind, now.hash, now.size}, target, rel), rel, jobs, dirs);
    }
  }
  for (const auto& d : dirs) dirs_.open(d, true);
  run_jobs(jobs);
  state_.flush();
}

void Checkout::materialize(const Job& job, std::string& link_used) {
  fs::path rel(job.path);
  std::string name = rel.filename().string();
  if (auto why = unsafe_component(name))
    throw Error(Errc::usage, "refusing to write " + (root_ / shown_path(job.path)).string() + ": " + *why);
  ConfinedDirs::Dir dir = dirs_.open(rel.parent_path().string(), true);
  int dfd = dir->get();
  fs::path dst = root_ / job.path;
  // A replacement is built beside the old file and renamed over it.
  std::string tmp = job.replace ? workspace_temp_name(name, "new") : name;
  FileAt at(dfd, tmp, dst.parent_path() / tmp);
  if (job.replace) remove_all_at(dfd, tmp, at.shown);
  if (job.kind == EntryKind::link) {
    std::string target = store_.get_bytes(job.hash);
    if (::symlinkat(target.c_str(), dfd, tmp.c_str()) != 0) throw_errno("cannot create link " + dst.string());
    link_used = "symlink";
  } else {
    mode_t mode = new_file_mode(job.kind == EntryKind::exec);
    link_used = store_.materialize(job.hash, at, opt_.link_types, mode);
  }
  if (job.replace) {
    struct stat st {};
    if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
      remove_all_at(dfd, name, dst);
      dirs_.forget(job.path);
    }
    if (::renameat(dfd, tmp.c_str(), dfd, name.c_str()) != 0) throw_errno("cannot replace " + dst.string());
  }
  struct stat st {};
  if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) state_.record(job.path, to_file_stat(st), job.hash);
}

void Checkout::run_jobs(std::vector<Job>& jobs) {
  if (opt_.progress) opt_.progress->start("Checking out", jobs.size(), false);
  std::mutex mu;
  try {
    parallel_for(jobs.size(), opt_.jobs, [&](size_t i) {
      std::string how;
      materialize(jobs[i], how);
      if (opt_.progress) opt_.progress->advance(1);
      std::lock_guard lock(mu);
      stats_.link_types_used[how]++;
      (jobs[i].replace ? stats_.updated : stats_.created)++;
    });
  } catch (...) {
    if (opt_.progress) opt_.progress->finish();
    throw;
  }
  if (opt_.progress) opt_.progress->finish();
}

}  // namespace mlops
