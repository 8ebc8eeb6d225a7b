#include "paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace fs = std::filesystem;

namespace mlops {
namespace {
fs::path xdg(const char* var, const char* fallback) {
  const char* v = std::getenv(var);
  // The XDG spec says relative values are invalid and must be ignored.
  if (v && *v == '/') return v;
  return home_dir() / fallback;
}
}  // namespace

fs::path home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

fs::path xdg_config_home() { return xdg("XDG_CONFIG_HOME", ".config"); }
fs::path xdg_cache_home() { return xdg("XDG_CACHE_HOME", ".cache"); }

}  // namespace mlops
