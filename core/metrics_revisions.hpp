#pragma once
// Metrics and params files read at revisions and compared between two of
// them (`mlops metrics show|diff`, `mlops params diff`). A file missing in a
// revision is a fact to report, not an error; a malformed one is an error
// naming it as REV:PATH.
#include <string>
#include <vector>

#include "metrics_diff.hpp"
#include "revision_files.hpp"

namespace mlops {

// One file as one revision has it.
struct MetricsSnapshot {
  std::string path;
  bool missing = false;
  FlatValues values;
};

MetricsSnapshot read_metrics_at(const RevisionFiles& files, const Revision& rev, const std::string& path);

// Each of `paths` compared from `a` to `b`, in the order given.
std::vector<FileDiff> diff_metrics_at(const RevisionFiles& files, const Revision& a, const Revision& b,
                                      const std::vector<std::string>& paths);

// The params of one file that stages use: the keys (each with everything
// below it), or the whole file when one of them is "".
struct ParamSelection {
  std::string file;
  std::vector<std::string> keys;
};

// The selected params of each file compared from `a` to `b`.
std::vector<FileDiff> diff_params_at(const RevisionFiles& files, const Revision& a, const Revision& b,
                                     const std::vector<ParamSelection>& params);

}  // namespace mlops
