#include "workspace_temp.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "error.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr std::string_view kMarker = ".mlops-tmp.";
constexpr size_t kMaxSuffix = 16;

// The NAME part of a temp name, or empty when `name` does not follow the rule.
std::string_view temp_base(std::string_view name) {
  if (name.size() < 2 || name[0] != '.') return {};
  size_t at = name.rfind(kMarker);
  if (at == std::string_view::npos || at < 2) return {};
  std::string_view suffix = name.substr(at + kMarker.size());
  if (suffix.empty() || suffix.size() > kMaxSuffix) return {};
  for (unsigned char c : suffix)
    if (!std::isalnum(c)) return {};
  return name.substr(1, at - 1);
}

// Removes one temp; a directory of that name is not ours to remove.
bool remove_temp(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return false;
  if (::unlink(p.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw_errno("cannot remove the leftover temporary file " + p.string());
  }
  return true;
}

}  // namespace

std::string workspace_temp_name(std::string_view name, std::string_view suffix) {
  return "." + std::string(name) + std::string(kMarker) + std::string(suffix);
}

bool is_workspace_temp_name(std::string_view name) { return !temp_base(name).empty(); }

bool is_workspace_temp_of(std::string_view name, std::string_view of) {
  // A replacement's own temp (`..NAME.mlops-tmp.new.mlops-tmp.XXXXXX`) counts too.
  std::string_view base = temp_base(name);
  return !of.empty() && !base.empty() && (base == of || is_workspace_temp_of(base, of));
}

size_t remove_workspace_temps_beside(const fs::path& path) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string of = path.filename().string();
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_workspace_temp_of(it->path().filename().string(), of)) found.push_back(it->path());
  size_t removed = 0;
  for (const auto& p : found) removed += remove_temp(p);
  return removed;
}

size_t remove_workspace_temps(const fs::path& root, const std::vector<std::string>& rel_paths) {
  size_t removed = 0;
  for (const auto& rel : rel_paths)
    if (is_workspace_temp_name(fs::path(rel).filename().string())) removed += remove_temp(root / rel);
  return removed;
}

}  // namespace mlops
