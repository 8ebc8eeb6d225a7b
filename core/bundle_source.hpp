#pragma once
// Where the files of a new bundle come from. create_bundle() asks a source for
// its file list, then for each file's bytes as a stream, so a model of any
// size passes through in bounded memory. Sources: a file or directory on disk,
// or a tracked path read from the object store by its pointer's hash (what git
// says the path is, not whatever the workspace holds now). A model registry
// version is another source of the second kind at another commit.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pointer_file.hpp"

namespace mlops {

class ObjectStore;

struct SourceFile {
  std::string path;  // bundle-relative, "/"-separated
  uint64_t size = 0;
  bool executable = false;
};

using ByteSink = std::function<void(const char* data, size_t size)>;

class BundleSource {
 public:
  virtual ~BundleSource() = default;
  // What the user named: a default for the bundle's name.
  virtual std::string default_name() const = 0;
  // Every file, sorted by path. Errors name the offending file.
  virtual std::vector<SourceFile> files() = 0;
  // Streams exactly `f.size` bytes of `f` to `sink`; Error naming the file
  // when it changed size since files() listed it.
  virtual void read(const SourceFile& f, const ByteSink& sink) = 0;
};

// A regular file or a directory (recursively; symlinks to regular files are
// followed, other links and special files are refused).
std::unique_ptr<BundleSource> path_source(const std::filesystem::path& path);

// A tracked path as recorded in its pointer; objects come from `store`, which
// must outlive the source. Error(failure) when an object is not in the cache.
std::unique_ptr<BundleSource> tracked_source(ObjectStore& store, const PointerOut& out);

}  // namespace mlops
