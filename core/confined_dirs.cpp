#include "confined_dirs.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <vector>

#include "error.hpp"
#include "workspace_path.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// Enough for the directories a checkout is busy in; a deeper one resolves
// from its nearest cached ancestor, so dropping the cache costs little.
constexpr size_t kMaxCachedDirs = 256;

std::string parent_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

std::string name_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

int open_dir_at(int dir, const std::string& name) {
  return ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

}  // namespace

ConfinedDirs::ConfinedDirs(fs::path root) : root_(std::move(root)) {
  int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open the repository " + root_.string());
  cache_.emplace("", std::make_shared<UniqueFd>(fd));
}

ConfinedDirs::Dir ConfinedDirs::open(const std::string& rel, bool create) {
  std::lock_guard lock(mu_);
  std::string base = rel;
  auto it = cache_.find(base);
  while (it == cache_.end()) it = cache_.find(base = parent_of(base));
  std::shared_ptr<UniqueFd> dir = it->second;
  for (size_t start = base.empty() ? 0 : base.size() + 1; start < rel.size();) {
    size_t end = std::min(rel.find('/', start), rel.size());
    std::string name = rel.substr(start, end - start);
    std::string sub = rel.substr(0, end);
    if (auto why = unsafe_component(name))
      throw Error(Errc::usage, "refusing to write " + (root_ / shown_path(rel)).string() + ": " + *why);
    int fd = open_dir_at(dir->get(), name);
    if (fd < 0 && errno == ENOENT) {
      if (!create) return nullptr;
      if (::mkdirat(dir->get(), name.c_str(), 0777) != 0 && errno != EEXIST)
        throw_errno("cannot create directory " + (root_ / sub).string());
      fd = open_dir_at(dir->get(), name);
    }
    if (fd < 0) {
      int err = errno;
      struct stat st {};
      if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        throw Error(Errc::usage, "refusing to write below " + (root_ / sub).string() +
                                     ": it is a symbolic link, and mlops never writes through one "
                                     "(replace it by a directory, or remove it)");
      throw_errno("cannot open directory " + (root_ / sub).string(), err);
    }
    auto opened = std::make_shared<UniqueFd>(fd);
    if (cache_.size() >= kMaxCachedDirs) {
      auto root = cache_.at("");
      cache_.clear();
      cache_.emplace("", std::move(root));
    }
    cache_[sub] = opened;
    dir = std::move(opened);
    start = end + 1;
  }
  return dir;
}

void ConfinedDirs::forget(const std::string& rel) {
  if (rel.empty()) return;
  std::lock_guard lock(mu_);
  for (auto it = cache_.lower_bound(rel); it != cache_.end() && it->first.starts_with(rel);) {
    if (it->first.size() == rel.size() || it->first[rel.size()] == '/') it = cache_.erase(it);
    else ++it;
  }
}

void ConfinedDirs::remove(const std::string& rel) {
  Dir parent = open(parent_of(rel), false);
  if (!parent) return;
  remove_all_at(parent->get(), name_of(rel), root_ / rel);
  forget(rel);
}

bool ConfinedDirs::remove_empty_dir(const std::string& rel) {
  Dir parent = open(parent_of(rel), false);
  if (!parent || ::unlinkat(parent->get(), name_of(rel).c_str(), AT_REMOVEDIR) != 0) return false;
  forget(rel);
  return true;
}

UniqueFd create_temp_at(int dir, std::string& name) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  size_t from = name.size() - 6;
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (size_t i = from; i < name.size(); ++i) name[i] = kChars[rng() % kChars.size()];
    int fd = ::openat(dir, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST) return UniqueFd(fd);
  }
  return UniqueFd();
}

void remove_all_at(int dir, const std::string& name, const fs::path& shown) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw_errno("cannot remove " + shown.string());
  }
  if (S_ISDIR(st.st_mode)) {
    int fd = open_dir_at(dir, name);
    if (fd < 0) throw_errno("cannot remove " + shown.string());
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(fd), ::closedir);
    if (!d) {
      ::close(fd);
      throw_errno("cannot remove " + shown.string());
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d.get())) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    for (const auto& n : names) remove_all_at(::dirfd(d.get()), n, shown / n);
  }
  if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
    throw_errno("cannot remove " + shown.string());
}

}  // namespace mlops
