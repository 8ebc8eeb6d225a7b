#pragma once
// The artifact a model version stands for: a tracked path whose pointer file
// is committed. Registering records what HEAD's pointer file says, so the
// registration is only as good as that commit; hence the checks below.
#include <filesystem>
#include <optional>
#include <string>

#include "pointer_file.hpp"
#include "registry_tag.hpp"
#include "tree_diff.hpp"

namespace mlops {

class GitHistory;
class Workspace;

struct CommittedArtifact {
  std::string commit;     // HEAD
  std::string pointer;    // the pointer file, relative to the mlops root
  ArtifactRecord record;  // path, hash, kind, size
  bool in_workspace = true;  // false: absent here, checked from its committed pointer alone
};

// The tracked path `arg` (relative to `cwd`) as HEAD records it. Refuses,
// writing nothing:
// - a path that is not tracked, or a directory of several tracked paths:
//   Error(usage);
// - a pointer file that HEAD lacks or that differs from HEAD's: Error(failure);
// - workspace content that differs from the pointer file (a scan, as
//   `mlops status` does): Error(failure).
CommittedArtifact committed_artifact(Workspace& ws, const GitHistory& git, const std::filesystem::path& cwd,
                                     const std::string& arg);

// The hash that the workspace's mlops.lock records for the out `out`
// (repo-relative, as in mlops.yaml) of stage `stage`: what `--stage-out
// STAGE:OUT` registers. Error(usage) naming the stage or the out, and what
// the lock has instead, when it records no such thing.
Hash lock_out_hash(const std::filesystem::path& root, const std::string& stage, const std::string& out);

// The out that `commit` records for `path`: in its pointer file
// (`path.mlops`), else among the stage outs of its mlops.lock; nullopt when
// neither has it. A malformed file is an Error naming "COMMIT:file".
std::optional<PointerOut> pointer_at(const GitHistory& git, const std::string& commit, const std::string& path);

// What to materialise for a recorded artifact; nullopt when the record lacks
// a hash.
std::optional<TreeRef> artifact_ref(const ArtifactRecord& record);

}  // namespace mlops
