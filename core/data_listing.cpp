#include "data_listing.hpp"

#include <algorithm>

#include "error.hpp"
#include "object_store.hpp"
#include "text.hpp"
#include "tree_read.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

bool under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Path order with "/" first, so a directory's entries follow it directly.
bool path_less(const std::string& a, const std::string& b) {
  auto rank = [](char c) { return c == '/' ? 0 : static_cast<unsigned char>(c) + 1; };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [&](char x, char y) { return rank(x) < rank(y); });
}

void sort_listing(Listing& l) {
  std::sort(l.entries.begin(), l.entries.end(), [](const ListedEntry& a, const ListedEntry& b) { return path_less(a.path, b.path); });
  std::sort(l.unlisted.begin(), l.unlisted.end());
}

}  // namespace

std::optional<Tree> DataLister::load(const Hash& hash) {
  if (!store_.contains(hash)) return std::nullopt;
  return read_tree(store_, hash);
}

bool DataLister::complete(const Hash& tree) {
  if (auto it = complete_.find(tree); it != complete_.end()) return it->second;
  bool ok = false;
  if (auto t = load(tree)) {
    ok = std::all_of(t->entries.begin(), t->entries.end(), [&](const TreeEntry& e) {
      return e.kind == EntryKind::dir ? complete(e.hash) : store_.contains(e.hash);
    });
  }
  complete_[tree] = ok;
  return ok;
}

ListedEntry DataLister::entry(const std::string& path, const TreeEntry& e) {
  std::error_code ec;
  bool present = fs::exists(fs::symlink_status(root_ / path, ec));
  bool cached = e.kind == EntryKind::dir ? complete(e.hash) : store_.contains(e.hash);
  return {path, e.kind, e.hash, e.size, e.files, false, present, cached};
}

ListedEntry DataLister::tracked_entry(const Tracked& t) {
  bool dir = t.out.kind == OutKind::dir;
  ListedEntry e = entry(t.path, {dir ? EntryKind::dir : EntryKind::file, t.out.hash, t.out.size, dir ? t.out.files : 1, ""});
  e.tracked = true;
  return e;
}

void DataLister::list_dir(const std::string& path, const Hash& tree, bool recursive, Listing& out) {
  auto t = load(tree);
  if (!t) {
    out.unlisted.push_back(path);
    return;
  }
  for (const auto& e : t->entries) {
    std::string child = path + "/" + e.name;
    if (recursive && e.kind == EntryKind::dir) list_dir(child, e.hash, true, out);
    else out.entries.push_back(entry(child, e));
  }
}

Listing DataLister::list(const std::vector<Tracked>& tracked, const std::string& path, bool recursive) {
  Listing out;
  auto add_tracked = [&](const Tracked& t) {
    out.entries.push_back(tracked_entry(t));
    if (recursive && t.out.kind == OutKind::dir) list_dir(t.path, t.out.hash, true, out);
  };
  for (const auto& t : tracked) {
    if (path.empty() || !under(path, t.path)) continue;
    if (t.out.kind == OutKind::file) {
      if (path != t.path) throw Error(Errc::usage, "'" + path + "' is not tracked: " + t.path + " is a tracked file");
      out.entries.push_back(tracked_entry(t));
      return out;
    }
    // Walk down the manifests to the entry `path` names.
    Hash cur = t.out.hash;
    std::string cur_path = t.path;
    std::vector<std::string> names;
    if (path != t.path) names = split(path.substr(t.path.size() + 1), '/');
    for (const auto& name : names) {
      auto tree = load(cur);
      if (!tree) {
        out.unlisted.push_back(t.path);
        return out;
      }
      auto it = std::find_if(tree->entries.begin(), tree->entries.end(), [&](const TreeEntry& e) { return e.name == name; });
      if (it == tree->entries.end())
        throw Error(Errc::usage, "'" + path + "' is not in the tracked directory " + t.path);
      cur_path += "/" + name;
      if (cur_path == path && it->kind != EntryKind::dir) {
        out.entries.push_back(entry(path, *it));
        return out;
      }
      if (it->kind != EntryKind::dir)
        throw Error(Errc::usage, "'" + path + "' is not in the tracked directory " + t.path + " (" + cur_path + " is a file)");
      cur = it->hash;
    }
    list_dir(path, cur, recursive, out);
    sort_listing(out);
    return out;
  }
  for (const auto& t : tracked)
    if (path.empty() || under(t.path, path)) add_tracked(t);
  if (!path.empty() && out.entries.empty())
    throw Error(Errc::usage, "'" + path + "' is not tracked: no tracked path at or below it");
  sort_listing(out);
  return out;
}

}  // namespace mlops
