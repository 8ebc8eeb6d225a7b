#include "workspace_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "error.hpp"
#include "interrupt.hpp"
#include "object_store.hpp"
#include "scan_read.hpp"
#include "workspace_temp.hpp"

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
  std::vector<Node> children;
};

// Null for what cannot be tracked (devices, sockets, fifos).
std::optional<EntryKind> kind_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return EntryKind::dir;
  if (S_ISLNK(st.st_mode)) return EntryKind::link;
  if (S_ISREG(st.st_mode)) return (st.st_mode & S_IXUSR) ? EntryKind::exec : EntryKind::file;
  return std::nullopt;
}

[[noreturn]] void cannot_track(const fs::path& path) {
  throw Error(Errc::usage, "cannot track " + path.string() + ": not a regular file, directory or symbolic link");
}

// Files to read, handed from the directory walk to the workers in batches of
// a directory or so, so that reading starts while the walk goes on. Each
// item is a node and the offset of its NUL-terminated relative path in the
// batch's `paths`: one buffer per batch instead of a string per file.
struct WorkBatch {
  std::vector<std::pair<Node*, uint32_t>> items;
  std::string paths;
  uint64_t bytes = 0;
};

class WorkQueue {
 public:
  void push(WorkBatch&& batch) {
    {
      std::lock_guard lock(mu_);
      batches_.push_back(std::move(batch));
    }
    cv_.notify_one();
  }
  // The next batch; nothing once the queue is closed and drained.
  std::optional<WorkBatch> pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !batches_.empty() || closed_; });
    if (batches_.empty()) return std::nullopt;
    WorkBatch b = std::move(batches_.front());
    batches_.pop_front();
    return b;
  }
  // No more batches: the walk is over, or failed and what is queued is dropped.
  void close(bool drop) {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      if (drop) batches_.clear();
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WorkBatch> batches_;
  bool closed_ = false;
};

// One reading thread's state: it reads, hashes and stores the files of the
// batches it takes, handing small objects to the store and stat records to
// the state index in batches of its own (per file, the locks of both would
// be contended).
class FileWorker {
 public:
  FileWorker(const fs::path& root, StateIndex& state, const ScanOptions& opt, ScanCounters& counters)
      : root_(root),
        state_(state),
        opt_(opt),
        counters_(counters),
        threshold_(opt.store ? opt.store->pack_threshold() : (1u << 20)),
        dir_(root) {}

  void process(const WorkBatch& batch, const std::atomic<bool>& failed) {
    for (const auto& [node, offset] : batch.items) {
      if (failed) return;
      check_interrupted();
      read_one(*node, batch.paths.data() + offset);
    }
  }

  void flush() {
    if (!objects_.empty()) {
      std::vector<ObjectStore::SmallObject> objects;
      objects.reserve(objects_.size());
      for (const auto& [h, data] : objects_) objects.push_back({h, data});
      opt_.store->put_small_many(objects);
    }
    objects_.clear();
    object_bytes_ = 0;
    state_.record(records_);
    records_.clear();
  }

 private:
  static constexpr size_t kBatchBytes = 1 << 20, kBatchCount = 512;

  void read_one(Node& node, const char* path) {
    fs::path abs = root_ / path;
    std::optional<FileStat> after;  // the stat once read, to see if it changed meanwhile
    if (node.kind == EntryKind::link) {
      std::error_code ec;
      std::string target = fs::read_symlink(abs, ec).string();
      if (ec) throw Error(Errc::failure, "cannot read link " + abs.string() + ": " + ec.message());
      node.hash = hash_bytes(target);
      if (opt_.store) opt_.store->put_small(node.hash, target);
      node.size = target.size();
    } else if (node.st.size < threshold_) {
      std::string_view file(path);
      size_t slash = file.rfind('/');
      std::string_view parent = slash == std::string_view::npos ? std::string_view() : file.substr(0, slash);
      const char* name = slash == std::string_view::npos ? path : path + slash + 1;
      after = read_small_file(dir_.open(parent), name, abs, buf_, node.st.size);
      hasher_.update(buf_.data(), buf_.size());
      node.hash = hasher_.finish();
      node.size = buf_.size();
      if (opt_.store && buf_.size() >= threshold_) {
        opt_.store->put_small(node.hash, buf_);  // grew past the threshold since the stat
      } else if (opt_.store) {
        object_bytes_ += buf_.size();
        objects_.emplace_back(node.hash, std::move(buf_));
        buf_ = std::string();
      }
    } else if (opt_.store) {
      auto r = opt_.store->put_file(abs);
      node.hash = r.hash;
      node.size = r.size;
    } else {
      node.hash = hash_file(abs);
    }
    counters_.files_hashed++;
    counters_.bytes_read += node.size;
    if (opt_.progress) opt_.progress->advance(node.size);
    // Record only what did not change while we read it. The stat of the open
    // file is as good as the path's: a file renamed over it meanwhile has
    // another inode, which the next lookup will not match.
    if (!after) after = stat_file(abs);
    if (after && *after == node.st) records_.push_back({path, node.st, node.hash});
    if (object_bytes_ >= kBatchBytes || objects_.size() >= kBatchCount || records_.size() >= kBatchCount) flush();
  }

  const fs::path& root_;
  StateIndex& state_;
  const ScanOptions& opt_;
  ScanCounters& counters_;
  uint64_t threshold_;
  DirHandle dir_;
  std::string buf_;
  Hasher hasher_;
  std::vector<std::pair<Hash, std::string>> objects_;  // small objects read, not yet stored
  size_t object_bytes_ = 0;
  std::vector<StateIndex::Record> records_;
};

// The reading threads. On every way out the queue is closed (and what is
// left dropped: a normal way out has drained it) and they are joined.
class WorkerThreads {
 public:
  explicit WorkerThreads(WorkQueue& queue) : queue_(queue) {}
  ~WorkerThreads() {
    queue_.close(true);
    join();
  }
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;
  template <class Fn>
  void start(int n, Fn fn) {
    for (int i = 0; i < n; ++i) threads_.emplace_back(fn);
  }
  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  WorkQueue& queue_;
  std::vector<std::thread> threads_;
};

}  // namespace

WorkspaceScanner::WorkspaceScanner(fs::path repo_root, StateIndex& state, ScanOptions options)
    : root_(std::move(repo_root)), state_(state), opt_(options) {}

ScanResult WorkspaceScanner::scan(const std::string& rel) {
  state_.preload(rel);
  if (opt_.progress) opt_.progress->start(opt_.store ? "Storing" : "Hashing", 0, true);

  // Phases 1 and 2 overlap: this thread walks and stats, handing the files
  // the state index cannot vouch for to the reading threads in batches, and
  // then reads with them. The first failure anywhere stops both.
  WorkQueue queue;
  std::exception_ptr failure;
  std::mutex failure_mu;
  std::atomic<bool> failed{false};
  auto fail = [&] {
    {
      std::lock_guard lock(failure_mu);
      if (!failure) failure = std::current_exception();
    }
    failed = true;
    queue.close(true);
  };
  auto read_batches = [&] {
    try {
      FileWorker worker(root_, state_, opt_, counters_);
      while (auto batch = queue.pop()) worker.process(*batch, failed);
      if (!failed) worker.flush();
    } catch (...) {
      fail();
    }
  };
  WorkerThreads workers(queue);
  workers.start(std::max(1, opt_.jobs) - 1, read_batches);

  // Phase 1: walk and stat. Children are stat'ed relative to their open
  // directory, which spares the kernel a walk of the whole path per file.
  constexpr size_t kMinBatch = 64, kMaxBatch = 1024;
  WorkBatch batch;
  auto hand_over = [&](size_t at_least) {
    if (batch.items.size() < std::max<size_t>(at_least, 1)) return;
    if (opt_.progress) opt_.progress->add_total(batch.bytes);
    queue.push(std::move(batch));
    batch = WorkBatch();
  };
  // `dir` is empty for a tracked file, whose name is then its whole path.
  auto classify = [&](Node& node, const std::string& dir, std::optional<Hash> h) {
    node.size = node.st.size;
    node.files = node.kind == EntryKind::link ? 0 : 1;
    if (h && !(opt_.store && !opt_.store->contains(*h))) {
      node.hash = *h;
      return;
    }
    batch.items.emplace_back(&node, static_cast<uint32_t>(batch.paths.size()));
    if (!dir.empty()) batch.paths.append(dir).push_back('/');
    batch.paths.append(node.name).push_back('\0');
    batch.bytes += node.st.size;
    hand_over(kMaxBatch);
  };
  std::vector<std::string> names, temps;
  auto visit_dir = [&](auto& self, Node& node, const std::string& path) -> void {
    check_interrupted();
    if (failed) return;
    fs::path abs = root_ / path;
    DIR* d = ::opendir(abs.c_str());
    if (!d) throw_errno("cannot read directory " + abs.string());
    std::unique_ptr<DIR, int (*)(DIR*)> closer(d, ::closedir);
    names.clear();
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (is_workspace_temp_name(name)) {
        temps.push_back(path + "/" + name);
        continue;
      }
      if (name.find('\n') != std::string::npos) check_entry_name(name, (abs / name).string());
      names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    // Exact, and never grown again: no growth slack on huge trees, and the
    // reading threads hold pointers to these nodes.
    node.children.reserve(names.size());
    // The recorded entries of this directory, sorted by name like `names`:
    // one cursor walks both.
    const StateIndex::DirEntries* recorded = state_.entries_in(path);
    size_t cursor = 0;
    for (auto& n : names) {
      struct stat st {};
      if (::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw_errno("cannot stat " + (abs / n).string());
      counters_.files_stated++;
      std::optional<EntryKind> kind = kind_of(st);
      if (!kind) cannot_track(abs / n);
      Node& c = node.children.emplace_back(Node{std::move(n), *kind, to_file_stat(st), {}, 0, 0, {}});
      if (c.kind == EntryKind::dir) continue;
      std::optional<Hash> h;
      while (recorded && cursor < recorded->size() && (*recorded)[cursor].name < c.name) ++cursor;
      if (recorded && cursor < recorded->size() && (*recorded)[cursor].name == c.name)
        h = StateIndex::trusted((*recorded)[cursor].entry, c.st);
      classify(c, path, h);
    }
    closer.reset();
    hand_over(kMinBatch);
    for (auto& c : node.children)
      if (c.kind == EntryKind::dir) self(self, c, path + "/" + c.name);
  };
  Node root;
  try {
    fs::path abs = root_ / rel;
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0) throw_errno("cannot stat " + abs.string());
    counters_.files_stated++;
    std::optional<EntryKind> kind = kind_of(st);
    if (!kind) cannot_track(abs);
    root.kind = *kind;
    root.st = to_file_stat(st);
    if (root.kind == EntryKind::dir) {
      visit_dir(visit_dir, root, rel);
    } else {
      root.name = rel;
      classify(root, "", state_.lookup(rel, root.st));
    }
    hand_over(1);
  } catch (...) {
    fail();
  }
  queue.close(false);

  // Phase 2 ends with this thread reading too.
  if (!failed) read_batches();
  workers.join();
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
  result.temps = std::move(temps);
  return result;
}

}  // namespace mlops
