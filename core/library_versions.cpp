#include "library_versions.hpp"

#include <archive.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <zstd.h>

namespace mlops {

std::vector<std::pair<std::string, std::string>> core_library_versions() {
  int major = 0, minor = 0, rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  return {
      {"libgit2", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev)},
      {"openssl", OpenSSL_version(OPENSSL_VERSION)},
      {"sqlite", sqlite3_libversion()},
      {"zstd", ZSTD_versionString()},
      {"libarchive", archive_version_details()},
      {"yaml-cpp", MLOPS_YAML_CPP_VERSION},
  };
}

}  // namespace mlops
