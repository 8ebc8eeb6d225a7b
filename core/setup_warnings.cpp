#include "setup_warnings.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "config_keys.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

bool sets_secret(const fs::path& file) {
  Config layer = Config::load_layer(file, ConfigLevel::global);
  for (const auto& [key, value] : layer.values())
    if (const ConfigKey* k = find_config_key(key); k && k->secret && !value.value.empty()) return true;
  return false;
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::vector<std::string> exposed_secret_files(const ConfigFiles& files) {
  std::vector<std::string> out;
  for (const fs::path* file : {&files.local, &files.global}) {
    struct stat st {};
    if (file->empty() || ::stat(file->c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    if (file == &files.global && !sets_secret(*file)) continue;
    out.push_back(file->string() + " holds passwords and tokens but other users can read it (mode " +
                  octal(st.st_mode) + "); run: chmod 600 " + file->string());
  }
  return out;
}

std::optional<std::string> root_link_type_warning(const std::vector<std::string>& link_types) {
  if (::geteuid() != 0) return std::nullopt;
  for (const char* shared : {"hardlink", "symlink"})
    if (std::find(link_types.begin(), link_types.end(), shared) != link_types.end())
      return std::string("running as root with core.link_type ") + shared +
             ": workspace files share the cache's copy, and root can write to it although it is read-only, "
             "corrupting the cache; use reflink or copy, or run as another user";
  return std::nullopt;
}

}  // namespace mlops
