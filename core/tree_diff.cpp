#include "tree_diff.hpp"

#include <map>

#include "error.hpp"

namespace mlops {
namespace {

class Differ {
 public:
  Differ(const TreeLoader& load, std::vector<FileChange>& out) : load_(load), out_(out) {}

  void compare(const std::optional<TreeRef>& a, const std::optional<TreeRef>& b, const std::string& path) {
    if (a && b && a->kind == b->kind && a->hash == b->hash) return;
    bool a_dir = a && a->kind == EntryKind::dir, b_dir = b && b->kind == EntryKind::dir;
    if (a && b && !a_dir && !b_dir) {
      out_.push_back({FileChange::Type::modified, path, "", a->hash, b->hash, a->size, b->size, a->kind, b->kind});
      return;
    }
    if (a_dir && b_dir) {
      Tree ta = tree(a->hash), tb = tree(b->hash);
      size_t i = 0, j = 0;
      while (i < ta.entries.size() || j < tb.entries.size()) {
        int order = i == ta.entries.size()   ? 1
                    : j == tb.entries.size() ? -1
                                             : ta.entries[i].name.compare(tb.entries[j].name);
        if (order < 0) {
          compare(ref(ta.entries[i]), std::nullopt, path + "/" + ta.entries[i].name);
          ++i;
        } else if (order > 0) {
          compare(std::nullopt, ref(tb.entries[j]), path + "/" + tb.entries[j].name);
          ++j;
        } else {
          compare(ref(ta.entries[i]), ref(tb.entries[j]), path + "/" + ta.entries[i].name);
          ++i, ++j;
        }
      }
      return;
    }
    // A kind change (file <-> dir) or one side absent: all of one side goes,
    // all of the other comes.
    if (a) emit_all(*a, path, FileChange::Type::deleted);
    if (b) emit_all(*b, path, FileChange::Type::added);
  }

 private:
  static TreeRef ref(const TreeEntry& e) { return {e.kind, e.hash, e.size}; }

  Tree tree(const Hash& h) {
    auto t = load_(h);
    if (!t) throw Error(Errc::failure, "tree manifest " + h.str() + " is not in the cache");
    return std::move(*t);
  }

  void emit_all(const TreeRef& r, const std::string& path, FileChange::Type type) {
    if (r.kind != EntryKind::dir) {
      FileChange c{type, path, "", {}, {}, 0, 0, r.kind, r.kind};
      (type == FileChange::Type::deleted ? c.old_hash : c.new_hash) = r.hash;
      (type == FileChange::Type::deleted ? c.old_size : c.new_size) = r.size;
      out_.push_back(c);
      return;
    }
    for (const auto& e : tree(r.hash).entries) emit_all(ref(e), path + "/" + e.name, type);
  }

  const TreeLoader& load_;
  std::vector<FileChange>& out_;
};

// Pairs a deleted and an added file with the same content into a rename.
void detect_renames(std::vector<FileChange>& changes) {
  std::multimap<Hash, size_t> deleted;
  for (size_t i = 0; i < changes.size(); ++i)
    if (changes[i].type == FileChange::Type::deleted) deleted.emplace(changes[i].old_hash, i);
  if (deleted.empty()) return;
  std::vector<bool> drop(changes.size(), false);
  for (auto& c : changes) {
    if (c.type != FileChange::Type::added) continue;
    auto it = deleted.find(c.new_hash);
    if (it == deleted.end()) continue;
    const FileChange& gone = changes[it->second];
    c.type = FileChange::Type::renamed;
    c.old_path = gone.path;
    c.old_hash = gone.old_hash;
    c.old_size = gone.old_size;
    c.old_kind = gone.old_kind;
    drop[it->second] = true;
    deleted.erase(it);
  }
  std::vector<FileChange> kept;
  for (size_t i = 0; i < changes.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(changes[i]));
  changes = std::move(kept);
}

}  // namespace

std::string_view change_name(FileChange::Type t) {
  switch (t) {
    case FileChange::Type::added: return "added";
    case FileChange::Type::deleted: return "deleted";
    case FileChange::Type::modified: return "modified";
    case FileChange::Type::renamed: return "renamed";
  }
  return "?";
}

std::vector<FileChange> diff_trees(const TreeLoader& load, const std::optional<TreeRef>& a,
                                   const std::optional<TreeRef>& b, const std::string& prefix) {
  std::vector<FileChange> out;
  Differ(load, out).compare(a, b, prefix);
  detect_renames(out);
  return out;
}

}  // namespace mlops
