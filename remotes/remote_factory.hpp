#pragma once
// The one scheme -> backend table (STYLE §2). Adding a protocol is one row
// here and one new file pair.
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "remote.hpp"
#include "url.hpp"

namespace mlops {

// What a backend is built from: the parsed URL and the remote's settings
// (`remote.<name>.*`, url excluded; secrets included, never to be printed).
struct RemoteSpec {
  std::string name;
  std::string section = "remote";  // of its config keys: "remote", or "target" for an edge target
  RemoteUrl url;
  std::map<std::string, std::string> options;
  std::string option(const std::string& key, const std::string& fallback = "") const;
};

struct RemoteScheme {
  std::string_view scheme;
  std::unique_ptr<Remote> (*make)(const RemoteSpec&);
};

std::span<const RemoteScheme> remote_schemes();

// The remote to use: `requested`, else core.remote, else the only one
// configured. Error(usage) naming the choices otherwise.
std::string choose_remote(const Config& config, const std::string& requested);
RemoteSpec remote_spec(const Config& config, const std::string& name);

struct OpenOptions {
  bool dry_run = false;
  int jobs = 0;  // 0: remote.<name>.jobs, else the backend's default
};
// The backend for `spec`, wrapped in the retry and concurrency-limit
// decorators (and dry-run when asked).
std::unique_ptr<Remote> open_remote(const RemoteSpec& spec, const OpenOptions& options = {});
// The number of parallel transfers for this remote.
int remote_jobs(const RemoteSpec& spec, const Remote& remote, int requested);

}  // namespace mlops
