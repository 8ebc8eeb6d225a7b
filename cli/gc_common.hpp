#pragma once
// What `mlops gc` and `mlops gc --remote` share: the options, which
// versions' objects are kept (the live set), and the report.
#include <cstdint>
#include <string>

#include "context.hpp"

namespace mlops {
class LiveSet;
class Workspace;
}  // namespace mlops

namespace mlops::cli {

// Packs whose live bytes fall below this fraction of their size are rewritten.
inline constexpr double kRepackBelowLiveFraction = 0.5;

struct GcArgs {
  bool workspace = false, all_branches = false, all_tags = false, all_commits = false;
  bool dry_run = false, force = false;
  std::string remote;  // --remote: collect on this remote instead of the cache
  int jobs = 0;
};

// Adds to `live` what the workspace and the chosen revisions use, and the
// local run records; returns the "kept" part of the report.
json collect_live(Context& ctx, Workspace& ws, const GcArgs& a, LiveSet& live);

// Prints the report (the JSON document of `gc` or `gc --remote`) for humans.
void render_gc(Output& out, const json& doc);

// `gc --remote NAME`.
void gc_on_remote(Context& ctx, Workspace& ws, const GcArgs& a);

}  // namespace mlops::cli
