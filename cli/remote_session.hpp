#pragma once
// An opened remote with its catalog, as the transfer commands (push, fetch,
// pull, model get) use it.
#include <memory>
#include <string>
#include <vector>

#include "context.hpp"
#include "remotes/remote_factory.hpp"
#include "remotes/transfer.hpp"

namespace mlops {
class Workspace;
}

namespace mlops::cli {

struct RemoteSession {
  RemoteSpec spec;
  std::unique_ptr<Remote> remote;
  std::unique_ptr<RemoteCatalog> catalog;
  int requested_jobs = 0;

  // `name`: the remote asked for, "" for the default one; `jobs`: -j, 0 for the remote's own.
  RemoteSession(Context& ctx, const std::string& name, int jobs);
  int jobs() const { return remote_jobs(spec, *remote, requested_jobs); }
};

// Downloads what the cache lacks of `roots`, with progress on the terminal.
TransferStats fetch_into_cache(Context& ctx, Workspace& ws, RemoteSession& session, const std::vector<TreeRef>& roots);

}  // namespace mlops::cli
