#include "export_tree.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <mutex>

#include "error.hpp"
#include "materialize.hpp"
#include "object_store.hpp"
#include "parallel.hpp"
#include "tree.hpp"
#include "tree_read.hpp"
#include "workspace_temp.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

void walk(const ObjectStore& store, const ExportEntry& entry, std::vector<ExportEntry>& out,
          std::vector<Hash>& missing) {
  out.push_back(entry);
  if (!store.contains(entry.hash)) {
    missing.push_back(entry.hash);
    return;
  }
  if (entry.kind != EntryKind::dir) return;
  Tree t = read_tree(store, entry.hash, entry.rel);
  for (const auto& e : t.entries)
    walk(store, {entry.rel.empty() ? e.name : entry.rel + "/" + e.name, e.kind, e.hash, e.size}, out, missing);
}

bool exists_no_follow(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found;
}

// A private directory beside the destination, removed with what it holds
// unless the export completed.
class Staging {
 public:
  explicit Staging(const fs::path& dst) {
    std::string pattern = (dst.parent_path() / workspace_temp_name(dst.filename().string())).string();
    if (!::mkdtemp(pattern.data())) throw_errno("cannot create a temporary directory beside " + dst.string());
    dir_ = pattern;
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// rename() that never replaces `to`.
void rename_new(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == EEXIST) throw Error(Errc::usage, to.string() + " already exists");
  if (errno != EINVAL && errno != ENOSYS) throw_errno("cannot create " + to.string());
  if (exists_no_follow(to)) throw Error(Errc::usage, to.string() + " already exists");
  if (::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot create " + to.string());
}

}  // namespace

std::vector<ExportEntry> list_entries(const ObjectStore& store, const TreeRef& root, std::vector<Hash>& missing) {
  std::vector<ExportEntry> out;
  walk(store, {"", root.kind, root.hash, root.size}, out, missing);
  return out;
}

ExportStats export_tree(const ObjectStore& store, const TreeRef& root, const fs::path& dst_arg, bool replace,
                        int jobs) {
  fs::path dst = fs::absolute(dst_arg).lexically_normal();
  if (!dst.has_filename()) dst = dst.parent_path();
  if (exists_no_follow(dst) && !replace)
    throw Error(Errc::usage, dst_arg.string() + " already exists; use --force to replace it");
  std::vector<Hash> missing;
  std::vector<ExportEntry> entries = list_entries(store, root, missing);
  if (!missing.empty())
    throw Error(Errc::failure, "object " + missing.front().str() + " is not in the cache (" +
                                   std::to_string(missing.size()) + " missing)");
  fs::create_directories(dst.parent_path());
  Staging staging(dst);
  fs::path made = staging.dir() / "new";
  ExportStats stats;
  std::vector<const ExportEntry*> files;
  for (const auto& e : entries) {
    fs::path p = e.rel.empty() ? made : made / e.rel;
    if (e.kind == EntryKind::dir) {
      fs::create_directory(p);
    } else if (e.kind == EntryKind::link) {
      std::string target = store.get_bytes(e.hash);
      if (::symlink(target.c_str(), p.c_str()) != 0) throw_errno("cannot create link " + p.string());
    } else {
      files.push_back(&e);
      stats.files++;
      stats.bytes += e.size;
    }
  }
  const std::vector<std::string> copies{"reflink", "copy"};
  parallel_for(files.size(), jobs, [&](size_t i) {
    const ExportEntry& e = *files[i];
    store.materialize(e.hash, e.rel.empty() ? made : made / e.rel, copies, new_file_mode(e.kind == EntryKind::exec));
  });
  if (replace && exists_no_follow(dst)) {
    fs::path old = staging.dir() / "old";
    if (::rename(dst.c_str(), old.c_str()) != 0) throw_errno("cannot move " + dst.string() + " aside");
    try {
      rename_new(made, dst);
    } catch (...) {
      ::rename(old.c_str(), dst.c_str());
      throw;
    }
  } else {
    rename_new(made, dst);
  }
  return stats;
}

}  // namespace mlops
