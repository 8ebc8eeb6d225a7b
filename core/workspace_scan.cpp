#include "workspace_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

struct Node {
  std::string name;
  EntryKind kind;
  FileStat st;
  Hash hash;
  uint64_t size = 0;
  uint64_t files = 0;
  bool known = false;  // hash came from the state index and needs no read
  std::vector<Node> children;
};

EntryKind kind_of(const struct stat& st, const fs::path& path) {
  if (S_ISDIR(st.st_mode)) return EntryKind::dir;
  if (S_ISLNK(st.st_mode)) return EntryKind::link;
  if (S_ISREG(st.st_mode)) return (st.st_mode & S_IXUSR) ? EntryKind::exec : EntryKind::file;
  throw Error(Errc::usage, "cannot track " + path.string() + ": not a regular file, directory or symbolic link");
}

FileStat to_file_stat(const struct stat& st) {
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_size)};
}

// Reads a whole small file into `buf`, opened relative to its directory
// (`dir`, or AT_FDCWD with an absolute `path`). Returns the file's stat after
// the read (fstat: no second path walk). When one read(2) returns as many
// bytes as that stat reports, the file is whole and no read to see end of file
// is needed: a file changed meanwhile shows a new stat, which keeps it out of
// the state index, and what is stored is what was read.
FileStat read_all(int dir, const char* name, const fs::path& path, std::string& buf, uint64_t expected) {
  int raw = ::openat(dir, name, O_RDONLY | O_CLOEXEC);
  if (raw < 0) throw_errno("cannot open " + path.string());
  UniqueFd fd(raw);
  buf.resize(expected + 1);
  ssize_t first;
  do first = ::read(fd.get(), buf.data(), buf.size());
  while (first < 0 && errno == EINTR);
  if (first < 0) throw_errno("cannot read " + path.string());
  size_t got = static_cast<size_t>(first);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + path.string());
  if (got != static_cast<uint64_t>(st.st_size)) {
    for (;;) {
      got += read_full(fd.get(), buf.data() + got, buf.size() - got, path);
      if (got < buf.size()) break;
      buf.resize(buf.size() * 2);
    }
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat " + path.string());
  }
  buf.resize(got);
  return to_file_stat(st);
}

// A worker's handle on the directory of the files it reads: work comes in
// directory order, so one open directory serves a run of files, and opening
// each file by its name alone spares the kernel a walk of the whole path.
class DirHandle {
 public:
  explicit DirHandle(const fs::path& root) : root_(root) {}
  // The descriptor of directory `rel` (relative to the root, "" for the root).
  int open(std::string_view rel) {
    if (fd_ && rel == rel_) return fd_.get();
    fs::path abs = rel.empty() ? root_ : root_ / rel;
    int raw = ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (raw < 0) throw_errno("cannot open directory " + abs.string());
    fd_ = UniqueFd(raw);
    rel_ = rel;
    return raw;
  }

 private:
  const fs::path& root_;
  std::string rel_;
  UniqueFd fd_;
};

Hash hash_stream(const fs::path& path, std::string& buf, Hasher& hasher) {
  UniqueFd fd = open_read(path);
  buf.resize(1 << 20);
  while (size_t n = read_full(fd.get(), buf.data(), buf.size(), path)) hasher.update(buf.data(), n);
  return hasher.finish();
}

}  // namespace

WorkspaceScanner::WorkspaceScanner(fs::path repo_root, StateIndex& state, ScanOptions options)
    : root_(std::move(repo_root)), state_(state), opt_(options) {}

ScanResult WorkspaceScanner::scan(const std::string& rel) {
  state_.preload(rel);
  // Nodes to read, with the offset of their relative path in `paths`: one
  // buffer of NUL-terminated paths instead of a string object per file.
  std::vector<std::pair<Node*, size_t>> work;
  std::string paths;

  // Phase 1: walk and stat (single thread: the kernel's dentry cache makes
  // this cheap). Children are stat'ed relative to their open directory, which
  // spares the kernel a walk of the whole path per file.
  auto classify = [&](Node& node, const std::string& path, std::optional<Hash> h) {
    node.size = node.st.size;
    node.files = node.kind == EntryKind::link ? 0 : 1;
    if (h && !(opt_.store && !opt_.store->contains(*h))) {
      node.hash = *h;
      node.known = true;
    } else {
      work.emplace_back(&node, paths.size());
      paths.append(path.c_str(), path.size() + 1);
    }
  };
  std::vector<std::string> names;
  auto visit_dir = [&](auto& self, Node& node, const std::string& path) -> void {
    check_interrupted();
    fs::path abs = root_ / path;
    DIR* d = ::opendir(abs.c_str());
    if (!d) throw_errno("cannot read directory " + abs.string());
    std::unique_ptr<DIR, int (*)(DIR*)> closer(d, ::closedir);
    names.clear();
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      check_entry_name(name, (abs / name).string());
      names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    node.children.reserve(names.size());  // exact: no growth slack on huge trees
    // The recorded entries of this directory, sorted by name like `names`:
    // one cursor walks both.
    const StateIndex::DirEntries* recorded = state_.entries_in(path);
    size_t cursor = 0;
    for (auto& n : names) {
      struct stat st {};
      if (::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw_errno("cannot stat " + (abs / n).string());
      counters_.files_stated++;
      EntryKind kind = kind_of(st, abs / n);
      Node& c = node.children.emplace_back(Node{std::move(n), kind, to_file_stat(st), {}, 0, 0, false, {}});
      if (c.kind == EntryKind::dir) continue;
      std::optional<Hash> h;
      while (recorded && cursor < recorded->size() && (*recorded)[cursor].name < c.name) ++cursor;
      if (recorded && cursor < recorded->size() && (*recorded)[cursor].name == c.name)
        h = StateIndex::trusted((*recorded)[cursor].entry, c.st);
      classify(c, path + "/" + c.name, h);
    }
    closer.reset();
    for (auto& c : node.children)
      if (c.kind == EntryKind::dir) self(self, c, path + "/" + c.name);
  };
  Node root;
  {
    fs::path abs = root_ / rel;
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0) throw_errno("cannot stat " + abs.string());
    counters_.files_stated++;
    root.kind = kind_of(st, abs);
    root.st = to_file_stat(st);
    if (root.kind == EntryKind::dir) {
      visit_dir(visit_dir, root, rel);
    } else {
      classify(root, rel, state_.lookup(rel, root.st));
    }
  }
  paths.shrink_to_fit();

  // Phase 2: read, hash and store what the state index could not vouch for, in parallel.
  uint64_t total_bytes = 0;
  for (auto& [n, p] : work) total_bytes += n->st.size;
  if (opt_.progress) opt_.progress->start(opt_.store ? "Storing" : "Hashing", total_bytes, true);
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mu;
  uint64_t threshold = opt_.store ? opt_.store->pack_threshold() : (1u << 20);
  // Each worker hands small objects to the store, and stat records to the
  // state index, in batches: per file, the locks of both are contended.
  constexpr size_t kBatchBytes = 1 << 20, kBatchCount = 512;
  auto worker = [&] {
    std::string buf;
    Hasher hasher;
    std::vector<std::pair<Hash, std::string>> batch;  // small objects read, not yet stored
    size_t batch_bytes = 0;
    std::vector<StateIndex::Record> records;
    DirHandle dir(root_);
    auto flush_batch = [&] {
      if (!batch.empty()) {
        std::vector<ObjectStore::SmallObject> objects;
        objects.reserve(batch.size());
        for (const auto& [h, data] : batch) objects.push_back({h, data});
        opt_.store->put_small_many(objects);
      }
      batch.clear();
      batch_bytes = 0;
      state_.record(records);
      records.clear();
    };
    try {
      for (size_t i; (i = next++) < work.size();) {
        check_interrupted();
        Node* node = work[i].first;
        const char* path = paths.data() + work[i].second;
        fs::path abs = root_ / path;
        std::optional<FileStat> after;  // the stat once read, to see if it changed meanwhile
        if (node->kind == EntryKind::link) {
          std::error_code ec;
          std::string target = fs::read_symlink(abs, ec).string();
          if (ec) throw Error(Errc::failure, "cannot read link " + abs.string() + ": " + ec.message());
          node->hash = hash_bytes(target);
          if (opt_.store) opt_.store->put_small(node->hash, target);
          node->size = target.size();
        } else if (node->st.size < threshold) {
          std::string_view file(path);
          size_t slash = file.rfind('/');
          std::string_view parent = slash == std::string_view::npos ? std::string_view() : file.substr(0, slash);
          const char* name = slash == std::string_view::npos ? path : path + slash + 1;
          after = read_all(dir.open(parent), name, abs, buf, node->st.size);
          hasher.update(buf.data(), buf.size());
          node->hash = hasher.finish();
          node->size = buf.size();
          if (opt_.store && buf.size() >= threshold) {
            opt_.store->put_small(node->hash, buf);  // grew past the threshold since the stat
          } else if (opt_.store) {
            batch_bytes += buf.size();
            batch.emplace_back(node->hash, std::move(buf));
            buf = std::string();
          }
        } else if (opt_.store) {
          auto r = opt_.store->put_file(abs);
          node->hash = r.hash;
          node->size = r.size;
        } else {
          node->hash = hash_stream(abs, buf, hasher);
        }
        counters_.files_hashed++;
        counters_.bytes_read += node->size;
        if (opt_.progress) opt_.progress->advance(node->size);
        // Record only what did not change while we read it. The stat of the
        // open file is as good as the path's: a file renamed over it meanwhile
        // has another inode, which the next lookup will not match.
        if (!after) after = stat_file(abs);
        if (after && *after == node->st) records.push_back({path, node->st, node->hash});
        if (batch_bytes >= kBatchBytes || batch.size() >= kBatchCount || records.size() >= kBatchCount) flush_batch();
      }
      flush_batch();
    } catch (...) {
      std::lock_guard lock(failure_mu);
      if (!failure) failure = std::current_exception();
      next = work.size();
    }
  };
  int jobs = std::max(1, std::min<int>(opt_.jobs, static_cast<int>(work.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (opt_.progress) opt_.progress->finish();
  if (failure) std::rethrow_exception(failure);

  // Phase 3: manifests bottom-up.
  ScanResult result;
  auto build = [&](auto& self, Node& node) -> void {
    if (node.kind != EntryKind::dir) return;
    Tree tree;
    tree.entries.reserve(node.children.size());
    for (auto& c : node.children) {
      self(self, c);
      tree.entries.push_back(TreeEntry{c.kind, c.hash, c.size, c.files, c.name});
    }
    std::string text = serialize_tree(tree);
    node.hash = opt_.store ? opt_.store->put_bytes(text) : hash_bytes(text);
    node.size = tree.size();
    node.files = tree.files();
    node.children.clear();
    node.children.shrink_to_fit();
    if (opt_.keep_trees) result.trees.emplace(node.hash, std::move(tree));
  };
  build(build, root);
  state_.flush();
  result.kind = root.kind;
  result.hash = root.hash;
  result.size = root.size;
  result.files = root.files;
  return result;
}

}  // namespace mlops
