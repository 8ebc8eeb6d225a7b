#include "revision_files.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "atomic_file.hpp"
#include "error.hpp"

namespace fs = std::filesystem;

namespace mlops {

RevisionFiles::RevisionFiles(fs::path root, fs::path cache_dir, uint64_t pack_threshold)
    : root_(std::move(root)),
      cache_dir_(std::move(cache_dir)),
      pack_threshold_(pack_threshold),
      git_(GitHistory::open_if_any(root_)) {}

RevisionFiles::~RevisionFiles() = default;

const GitHistory& RevisionFiles::git() const {
  if (!git_) throw Error(Errc::usage, root_.string() + " is not inside a git work tree; revisions need git");
  return *git_;
}

Revision RevisionFiles::at(const std::string& rev) const { return {rev, git().resolve(rev)}; }

std::vector<Revision> RevisionFiles::branch_history() const {
  std::vector<Revision> out;
  if (!git_) return out;
  auto head = git_->head();
  if (!head) return out;
  for (auto& commit : git_->log(*head)) out.push_back({commit.substr(0, 7), commit});
  return out;
}

std::optional<std::string> RevisionFiles::read(const Revision& rev, const std::string& path) const {
  if (!rev.is_workspace()) {
    auto text = git().read_file(rev.commit, path);
    return text ? text : cached_out(rev, path);
  }
  fs::path file = root_ / path;
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_errno("cannot read " + path);
  }
  if (!S_ISREG(st.st_mode)) throw Error(Errc::usage, path + " is not a regular file");
  return read_file(file);
}

std::optional<std::string> RevisionFiles::cached_out(const Revision& rev, const std::string& path) const {
  if (cache_dir_.empty()) return std::nullopt;
  auto lock = locks_.find(rev.commit);
  if (lock == locks_.end()) {
    const std::string file(kLockFile);
    auto text = git().read_file(rev.commit, file);
    lock = locks_.emplace(rev.commit, text ? parse_lock(*text, origin(rev, file)) : PipelineLock{}).first;
  }
  for (const auto& [name, stage] : lock->second.stages) {
    const PointerOut* out = stage.out(path);
    if (!out || out->kind != OutKind::file) continue;
    if (!store_) store_ = std::make_unique<ObjectStore>(cache_dir_, pack_threshold_);
    if (store_->contains(out->hash)) return store_->get_bytes(out->hash);
  }
  return std::nullopt;
}

std::string RevisionFiles::origin(const Revision& rev, const std::string& path) const {
  if (rev.is_workspace()) return path;
  const std::string& prefix = git().prefix();
  return rev.label + ":" + (prefix.empty() ? path : prefix + "/" + path);
}

}  // namespace mlops
