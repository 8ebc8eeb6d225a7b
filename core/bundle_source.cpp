#include "bundle_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "error.hpp"
#include "object_store.hpp"
#include "tree.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

void stream_fd(int fd, uint64_t size, const fs::path& what, const ByteSink& sink) {
  std::vector<char> buf(1 << 20);
  uint64_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done));
    size_t n = read_full(fd, buf.data(), want, what);
    if (n == 0) throw Error(Errc::failure, what.string() + " shrank while it was being bundled");
    sink(buf.data(), n);
    done += n;
  }
  char extra;
  if (read_full(fd, &extra, 1, what) != 0)
    throw Error(Errc::failure, what.string() + " grew while it was being bundled");
}

void sort_files(std::vector<SourceFile>& files) {
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
}

class PathSource final : public BundleSource {
 public:
  explicit PathSource(fs::path path) : path_(std::move(path)) {}

  std::string default_name() const override { return fs::absolute(path_).lexically_normal().filename().string(); }

  std::vector<SourceFile> files() override {
    std::vector<SourceFile> out;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) throw_errno("cannot read " + path_.string());
    if (S_ISREG(st.st_mode)) {
      single_ = true;
      out.push_back({path_.filename().string(), static_cast<uint64_t>(st.st_size), (st.st_mode & 0111) != 0});
      return out;
    }
    if (!S_ISDIR(st.st_mode)) throw Error(Errc::usage, path_.string() + " is neither a regular file nor a directory");
    for (auto it = fs::recursive_directory_iterator(path_); it != fs::recursive_directory_iterator(); ++it) {
      const fs::path& p = it->path();
      std::string rel = p.lexically_relative(path_).generic_string();
      if (it->is_symlink() && it->is_directory())
        throw Error(Errc::usage, p.string() + " is a symbolic link to a directory; bundles hold regular files only");
      if (it->is_directory()) continue;
      if (!it->is_regular_file())
        throw Error(Errc::usage, p.string() + " is not a regular file; bundles hold regular files only");
      if (::stat(p.c_str(), &st) != 0) throw_errno("cannot read " + p.string());
      out.push_back({rel, static_cast<uint64_t>(st.st_size), (st.st_mode & 0111) != 0});
    }
    sort_files(out);
    return out;
  }

  void read(const SourceFile& f, const ByteSink& sink) override {
    fs::path p = single_ ? path_ : path_ / f.path;
    UniqueFd fd = open_read(p);
    stream_fd(fd.get(), f.size, p, sink);
  }

 private:
  fs::path path_;
  bool single_ = false;
};

class TrackedSource final : public BundleSource {
 public:
  TrackedSource(ObjectStore& store, PointerOut out) : store_(store), out_(std::move(out)) {}

  std::string default_name() const override { return fs::path(out_.path).filename().string(); }

  std::vector<SourceFile> files() override {
    std::vector<SourceFile> out;
    if (out_.kind == OutKind::file) {
      hashes_[default_name()] = out_.hash;
      out.push_back({default_name(), out_.size, false});
      return out;
    }
    walk(out_.hash, "", out);
    sort_files(out);
    return out;
  }

  void read(const SourceFile& f, const ByteSink& sink) override {
    const Hash& h = hashes_.at(f.path);
    std::string what = out_.path + "/" + f.path;
    require(h, what);
    // Hashed as it streams: a mismatch throws before the bundle is committed,
    // so a signed manifest never vouches for bytes the cache damaged.
    uint64_t size = store_.read_checked(h, sink, "the bundle of " + what);
    if (size != f.size) throw Error(Errc::integrity, what + ": cached object has the wrong size");
  }

 private:
  void require(const Hash& h, const std::string& what) const {
    if (!store_.contains(h))
      throw Error(Errc::failure, what + " (" + h.str() + ") is not in the cache; run `mlops fetch` first");
  }
  std::string object(const Hash& h, const std::string& what) {
    require(h, what);
    return store_.get_bytes(h);
  }

  void walk(const Hash& tree_hash, const std::string& prefix, std::vector<SourceFile>& out) {
    Tree t = parse_tree(object(tree_hash, out_.path + (prefix.empty() ? "" : "/" + prefix)), tree_hash.str());
    for (const auto& e : t.entries) {
      std::string rel = prefix.empty() ? e.name : prefix + "/" + e.name;
      switch (e.kind) {
        case EntryKind::dir:
          walk(e.hash, rel, out);
          break;
        case EntryKind::link:
          throw Error(Errc::usage, out_.path + "/" + rel + " is a symbolic link; bundles hold regular files only");
        case EntryKind::file:
        case EntryKind::exec:
          hashes_[rel] = e.hash;
          out.push_back({rel, e.size, e.kind == EntryKind::exec});
          break;
      }
    }
  }

  ObjectStore& store_;
  PointerOut out_;
  std::map<std::string, Hash> hashes_;
};

}  // namespace

std::unique_ptr<BundleSource> path_source(const fs::path& path) { return std::make_unique<PathSource>(path); }

std::unique_ptr<BundleSource> tracked_source(ObjectStore& store, const PointerOut& out) {
  return std::make_unique<TrackedSource>(store, out);
}

}  // namespace mlops
