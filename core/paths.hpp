#pragma once
// Where per-user files live (XDG base directories, absolute paths only).
#include <filesystem>

namespace mlops {

std::filesystem::path home_dir();
std::filesystem::path xdg_config_home();  // $XDG_CONFIG_HOME or ~/.config
std::filesystem::path xdg_cache_home();   // $XDG_CACHE_HOME or ~/.cache

}  // namespace mlops
