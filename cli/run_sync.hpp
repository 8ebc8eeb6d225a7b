#pragma once
// Runs travel with the data: `push` uploads the run records the remote
// lacks (objects first, in packs, then their refs "run-refs/<ID>"), and
// `fetch`/`pull` download the remote's runs that the cache lacks. A ref
// goes up or comes down only after its record, so a remote or a cache
// never names a record it does not hold.
#include <cstddef>
#include <string>
#include <vector>

#include "core/tree_diff.hpp"

namespace mlops {
class Remote;
class RemoteCatalog;
class Workspace;
}  // namespace mlops

namespace mlops::cli {

struct RunSyncStats {
  size_t runs = 0;                    // runs moved
  std::vector<std::string> problems;  // runs skipped, as messages
};

RunSyncStats push_runs(Workspace& ws, Remote& remote, RemoteCatalog& catalog, int compress_level);
RunSyncStats fetch_runs(Workspace& ws, Remote& remote, RemoteCatalog& catalog);
// `push --run-outs`: adds the outs every recorded run produced to `roots`.
void append_run_outs(Workspace& ws, std::vector<TreeRef>& roots);

}  // namespace mlops::cli
