#include "git_history.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "error.hpp"
#include "git_handles.hpp"
#include "pipeline_lock.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

using namespace git;  // the handle owners and helpers of git_handles.hpp

std::string key_of(const git_oid& oid) { return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ); }

std::string join_path(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

bool is_pointer_name(const std::string& name) {
  return name.size() > kPointerSuffix.size() && name.ends_with(kPointerSuffix);
}

bool is_regular_blob(const git_tree_entry* e) {
  git_filemode_t mode = git_tree_entry_filemode(e);
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

}  // namespace

struct GitHistory::Impl {
  RepoPtr repo;
  fs::path git_root;
  std::string prefix;

  git_oid parse_id(const std::string& commit) const {
    git_oid oid;
    if (git_oid_fromstr(&oid, commit.c_str()) != 0) throw Error(Errc::usage, "'" + commit + "' is not a commit id");
    return oid;
  }

  TreePtr commit_tree(const std::string& commit) const {
    git_oid oid = parse_id(commit);
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.get(), &oid) != 0)
      throw Error(Errc::failure, "cannot read commit " + commit + ": " + last_error());
    CommitPtr owned(c);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, c) != 0)
      throw Error(Errc::failure, "cannot read the tree of commit " + commit + ": " + last_error());
    return TreePtr(t);
  }

  // The tree of the mlops root in `commit`; null when the commit lacks it.
  TreePtr root_tree(const std::string& commit) const {
    TreePtr top = commit_tree(commit);
    if (prefix.empty()) return top;
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, top.get(), prefix.c_str()) != 0) return nullptr;
    TreeEntryPtr entry(e);
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE) return nullptr;
    return lookup_tree(*git_tree_entry_id(e));
  }

  TreePtr lookup_tree(const git_oid& oid) const {
    git_tree* t = nullptr;
    if (git_tree_lookup(&t, repo.get(), &oid) != 0)
      throw Error(Errc::failure, "cannot read git tree " + hex_of(oid) + ": " + last_error());
    return TreePtr(t);
  }

  std::string blob_text(const git_oid& oid) const {
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, repo.get(), &oid) != 0)
      throw Error(Errc::failure, "cannot read git blob " + hex_of(oid) + ": " + last_error());
    BlobPtr owned(b);
    return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
  }

  std::optional<git_oid> commit_of_ref(git_reference* ref) const {
    git_object* obj = nullptr;
    if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) != 0) return std::nullopt;  // a tag of a blob or tree
    ObjectPtr owned(obj);
    return *git_object_id(obj);
  }

  std::optional<git_oid> head_commit() const {
    git_reference* head = nullptr;
    if (git_repository_head(&head, repo.get()) != 0) return std::nullopt;  // unborn
    RefPtr owned(head);
    return commit_of_ref(head);
  }

  using PointerFn = std::function<void(const std::string& pointer, const PointerFile& parsed)>;

  // The outs recorded in a mlops.lock blob, as one pointer file at the root.
  const PointerFile& lock_outs(const git_oid& id, const std::string& origin,
                               std::unordered_map<std::string, PointerFile>& parsed) const {
    std::string key = key_of(id);
    auto it = parsed.find(key);
    if (it != parsed.end()) return it->second;
    PointerFile pf;
    for (const auto& [stage, entry] : parse_lock(blob_text(id), origin).stages)
      for (const auto& o : entry.outs) pf.outs.push_back(o);
    return parsed.emplace(key, std::move(pf)).first->second;
  }

  // Calls `fn` for every pointer file below `tree` (at mlops-relative `rel`).
  // Subtrees whose id is in `seen_trees` are skipped, and visited ones added,
  // when it is given; pointer blobs are parsed once per id through `parsed`.
  void walk(const git_tree* tree, const std::string& rel, const std::string& label,
            std::unordered_set<std::string>* seen_trees, std::unordered_map<std::string, PointerFile>& parsed,
            const PointerFn& fn) const {
    size_t n = git_tree_entrycount(tree);
    std::set<std::string> outs;  // first components of outs: data, not pointers
    std::vector<const git_tree_entry*> subtrees;
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      std::string name = git_tree_entry_name(e);
      if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        if (name != ".mlops" && name != ".git") subtrees.push_back(e);
        continue;
      }
      if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || !is_regular_blob(e)) continue;
      if (rel.empty() && name == kLockFile) {
        fn(name, lock_outs(*git_tree_entry_id(e), label + ":" + join_path(prefix, name), parsed));
        continue;
      }
      if (!is_pointer_name(name)) continue;
      std::string pointer = join_path(rel, name);
      std::string key = key_of(*git_tree_entry_id(e));
      auto it = parsed.find(key);
      if (it == parsed.end()) {
        std::string origin = label + ":" + join_path(prefix, pointer);
        it = parsed.emplace(key, parse_pointer(blob_text(*git_tree_entry_id(e)), origin)).first;
      }
      for (const auto& o : it->second.outs) outs.insert(fs::path(o.path).begin()->string());
      fn(pointer, it->second);
    }
    for (const git_tree_entry* e : subtrees) {
      std::string name = git_tree_entry_name(e);
      if (outs.count(name)) continue;
      if (seen_trees && !seen_trees->insert(key_of(*git_tree_entry_id(e))).second) continue;
      TreePtr sub = lookup_tree(*git_tree_entry_id(e));
      walk(sub.get(), join_path(rel, name), label, seen_trees, parsed, fn);
    }
  }
};

GitHistory::GitHistory(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GitHistory::GitHistory(const fs::path& mlops_root) {
  auto found = open_if_any(mlops_root);
  if (!found)
    throw Error(Errc::usage, mlops_root.string() + " is not inside a git work tree; revisions need git");
  impl_ = std::move(found->impl_);
}

GitHistory::~GitHistory() = default;

std::unique_ptr<GitHistory> GitHistory::open_if_any(const fs::path& mlops_root) {
  ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, mlops_root.c_str(), 0, nullptr) != 0) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->repo.reset(r);
  const char* wd = git_repository_workdir(r);
  if (!wd) return nullptr;  // bare repository: no work tree holds the mlops root
  std::error_code ec;
  impl->git_root = fs::weakly_canonical(fs::path(wd), ec);
  if (!impl->git_root.has_filename()) impl->git_root = impl->git_root.parent_path();
  fs::path root = fs::weakly_canonical(mlops_root, ec);
  std::string rel = root.lexically_relative(impl->git_root).generic_string();
  if (rel == ".") rel.clear();
  if (rel == ".." || starts_with(rel, "../"))
    throw Error(Errc::failure, mlops_root.string() + " is outside the git work tree " + impl->git_root.string());
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  impl->prefix = rel;
  return std::unique_ptr<GitHistory>(new GitHistory(std::move(impl)));
}

const fs::path& GitHistory::git_root() const { return impl_->git_root; }
const std::string& GitHistory::prefix() const { return impl_->prefix; }

std::string GitHistory::resolve(const std::string& rev) const {
  git_object* obj = nullptr;
  if (rev.empty() || git_revparse_single(&obj, impl_->repo.get(), rev.c_str()) != 0) {
    std::string msg = "unknown revision '" + rev + "'";
    if (git_repository_head_unborn(impl_->repo.get()) == 1) msg += ": the git repository has no commits yet";
    else msg += ": not a branch, tag or commit of " + impl_->git_root.string();
    throw Error(Errc::usage, msg);
  }
  ObjectPtr owned(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
    throw Error(Errc::usage, "revision '" + rev + "' does not name a commit");
  ObjectPtr commit(peeled);
  return hex_of(*git_object_id(peeled));
}

std::optional<std::string> GitHistory::read_file(const std::string& commit, const std::string& path) const {
  TreePtr top = impl_->commit_tree(commit);
  std::string git_path = join_path(impl_->prefix, path);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, top.get(), git_path.c_str()) != 0) return std::nullopt;
  TreeEntryPtr entry(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || !is_regular_blob(e)) return std::nullopt;
  return impl_->blob_text(*git_tree_entry_id(e));
}

std::vector<Tracked> GitHistory::pointers(const std::string& commit, const std::string& label) const {
  std::vector<Tracked> out;
  TreePtr root = impl_->root_tree(commit);
  if (!root) return out;
  std::unordered_map<std::string, PointerFile> parsed;
  impl_->walk(root.get(), "", label, nullptr, parsed, [&](const std::string& pointer, const PointerFile& p) {
    std::string dir = fs::path(pointer).parent_path().generic_string();
    for (const auto& o : p.outs) out.push_back({join_path(dir, o.path), pointer, o});
  });
  std::sort(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.path < b.path; });
  return out;
}

std::vector<std::string> GitHistory::log(const std::string& commit) const {
  git_oid start = impl_->parse_id(commit);
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, impl_->repo.get()) != 0)
    throw Error(Errc::failure, "cannot walk git history: " + last_error());
  RevwalkPtr walk(w);
  git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  if (git_revwalk_push(w, &start) != 0)
    throw Error(Errc::failure, "cannot walk git history from " + commit + ": " + last_error());
  std::vector<std::string> out;
  git_oid oid;
  int rc = 0;
  while ((rc = git_revwalk_next(&oid, w)) == 0) out.push_back(hex_of(oid));
  if (rc != GIT_ITEROVER) throw Error(Errc::failure, "cannot walk git history: " + last_error());
  return out;
}

std::optional<std::string> GitHistory::head() const {
  auto oid = impl_->head_commit();
  if (!oid) return std::nullopt;
  return hex_of(*oid);
}

std::vector<std::string> GitHistory::commits(unsigned scope) const {
  git_repository* repo = impl_->repo.get();
  std::set<std::string> ids;
  std::vector<git_oid> found;
  auto add = [&](const std::optional<git_oid>& oid) {
    if (oid && ids.insert(hex_of(*oid)).second) found.push_back(*oid);
  };
  if (scope & (kHeadCommit | kAllCommits)) add(impl_->head_commit());
  if (scope & kBranchTips) {
    git_branch_iterator* it = nullptr;
    if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) != 0)
      throw Error(Errc::failure, "cannot list git branches: " + last_error());
    BranchIterPtr owned(it);
    git_reference* ref = nullptr;
    git_branch_t type;
    while (git_branch_next(&ref, &type, it) == 0) {
      RefPtr r(ref);
      add(impl_->commit_of_ref(ref));
    }
  }
  if (scope & (kTagTargets | kAllCommits)) {
    git_reference_iterator* it = nullptr;
    int rc = (scope & kAllCommits) ? git_reference_iterator_new(&it, repo)
                                   : git_reference_iterator_glob_new(&it, repo, "refs/tags/*");
    if (rc != 0) throw Error(Errc::failure, "cannot list git references: " + last_error());
    RefIterPtr owned(it);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it) == 0) {
      RefPtr r(ref);
      add(impl_->commit_of_ref(ref));
    }
  }
  if (scope & kAllCommits) {
    git_revwalk* w = nullptr;
    if (git_revwalk_new(&w, repo) != 0) throw Error(Errc::failure, "cannot walk git history: " + last_error());
    RevwalkPtr walk(w);
    for (const auto& oid : found)
      if (git_revwalk_push(w, &oid) != 0)
        throw Error(Errc::failure, "cannot walk git history from " + hex_of(oid) + ": " + last_error());
    git_oid oid;
    int rc = 0;
    while ((rc = git_revwalk_next(&oid, w)) == 0) ids.insert(hex_of(oid));
    if (rc != GIT_ITEROVER) throw Error(Errc::failure, "cannot walk git history: " + last_error());
  }
  return {ids.begin(), ids.end()};
}

std::vector<PointerOut> GitHistory::outs_in(const std::vector<std::string>& commits) const {
  std::unordered_set<std::string> seen_trees;
  std::unordered_map<std::string, PointerFile> parsed;
  std::set<std::pair<std::string, bool>> seen_outs;
  std::vector<PointerOut> out;
  for (const auto& commit : commits) {
    TreePtr root = impl_->root_tree(commit);
    if (!root || !seen_trees.insert(key_of(*git_tree_id(root.get()))).second) continue;
    impl_->walk(root.get(), "", commit.substr(0, 12), &seen_trees, parsed, [&](const std::string&, const PointerFile& p) {
      for (const auto& o : p.outs)
        if (seen_outs.emplace(o.hash.str(), o.kind == OutKind::dir).second) out.push_back(o);
    });
  }
  return out;
}

GitHistory::HeadState GitHistory::head_state() const {
  HeadState st;
  git_repository* repo = impl_->repo.get();
  if (auto head = impl_->head_commit()) st.commit = hex_of(*head);
  git_reference* ref = nullptr;
  if (git_repository_head(&ref, repo) == 0) {
    RefPtr owned(ref);
    if (git_reference_is_branch(ref)) st.branch = git_reference_shorthand(ref);
  }
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo, &opts) == 0) {
    st.dirty = git_status_list_entrycount(list) > 0;
    git_status_list_free(list);
  }
  return st;
}

}  // namespace mlops
