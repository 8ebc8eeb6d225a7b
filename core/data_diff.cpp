#include "data_diff.hpp"

#include <algorithm>
#include <tuple>

#include "error.hpp"

namespace mlops {
namespace {

bool under(const std::string& path, const std::string& dir) {
  return dir.empty() || path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

std::optional<TreeRef> tree_ref(const Tracked* t) {
  if (!t) return std::nullopt;
  return tree_ref(t->out);
}

// The whole tracked path counts when no target is given or one contains it.
bool whole_path_selected(const std::string& path, const std::vector<std::string>& targets) {
  if (targets.empty()) return true;
  return std::any_of(targets.begin(), targets.end(), [&](const std::string& t) { return under(path, t); });
}

bool file_selected(const FileChange& c, const std::vector<std::string>& targets) {
  return std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
    return under(c.path, t) || (c.type == FileChange::Type::renamed && under(c.old_path, t));
  });
}

}  // namespace

std::string_view status_name(PathChange::Status s) {
  switch (s) {
    case PathChange::Status::added: return "added";
    case PathChange::Status::deleted: return "deleted";
    case PathChange::Status::modified: return "modified";
  }
  return "?";
}

bool paths_overlap(const std::string& a, const std::string& b) { return under(a, b) || under(b, a); }

std::vector<PathChange> diff_data(const std::vector<Tracked>& a, const std::vector<Tracked>& b, const TreeLoader& load,
                                  const std::vector<std::string>& targets) {
  std::vector<PathChange> out;
  auto compare = [&](const Tracked* ta, const Tracked* tb) {
    const std::string& path = ta ? ta->path : tb->path;
    if (!targets.empty() &&
        std::none_of(targets.begin(), targets.end(), [&](const std::string& t) { return paths_overlap(path, t); }))
      return;
    if (ta && tb && ta->out.kind == tb->out.kind && ta->out.hash == tb->out.hash) return;
    PathChange pc{!ta   ? PathChange::Status::added
                  : !tb ? PathChange::Status::deleted
                        : PathChange::Status::modified,
                  path, std::nullopt, std::nullopt, {}, std::nullopt};
    if (ta) pc.old_out = ta->out;
    if (tb) pc.new_out = tb->out;
    std::optional<Hash> missing;
    TreeLoader recording = [&](const Hash& h) {
      auto t = load(h);
      if (!t && !missing) missing = h;
      return t;
    };
    try {
      pc.files = diff_trees(recording, tree_ref(ta), tree_ref(tb), path);
    } catch (const Error&) {
      if (!missing) throw;
      pc.missing_tree = missing;
      pc.files.clear();
    }
    bool whole = whole_path_selected(path, targets);
    if (!whole) {
      std::erase_if(pc.files, [&](const FileChange& c) { return !file_selected(c, targets); });
      if (pc.files.empty() && !pc.missing_tree) return;  // changed, but not below any target
    }
    std::sort(pc.files.begin(), pc.files.end(), [](const FileChange& x, const FileChange& y) {
      return std::tie(x.path, x.old_path) < std::tie(y.path, y.old_path);
    });
    out.push_back(std::move(pc));
  };
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int order = i == a.size() ? 1 : j == b.size() ? -1 : a[i].path.compare(b[j].path);
    if (order < 0) compare(&a[i++], nullptr);
    else if (order > 0) compare(nullptr, &b[j++]);
    else compare(&a[i++], &b[j++]);
  }
  return out;
}

}  // namespace mlops
