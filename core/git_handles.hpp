#pragma once
// RAII owners and small helpers for libgit2 handles, shared by the files of
// core/ that talk to git (git_repo, git_history, registry). Not part of
// the library's interface: it exposes libgit2 types.
#include <git2.h>

#include <memory>
#include <string>

namespace mlops::git {

template <auto Free>
struct Free_ {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, Free_<git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, Free_<git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Free_<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Free_<git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Free_<git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Free_<git_blob_free>>;
using TagPtr = std::unique_ptr<git_tag, Free_<git_tag_free>>;
using RefPtr = std::unique_ptr<git_reference, Free_<git_reference_free>>;
using RefIterPtr = std::unique_ptr<git_reference_iterator, Free_<git_reference_iterator_free>>;
using BranchIterPtr = std::unique_ptr<git_branch_iterator, Free_<git_branch_iterator_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, Free_<git_revwalk_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Free_<git_signature_free>>;
using IndexPtr = std::unique_ptr<git_index, Free_<git_index_free>>;

// git_libgit2_init() once per process, before the first libgit2 call.
void ensure_init();
// The message of libgit2's last error in this thread.
std::string last_error();
std::string hex_of(const git_oid& oid);

}  // namespace mlops::git
