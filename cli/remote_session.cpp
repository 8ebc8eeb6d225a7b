#include "remote_session.hpp"

#include "core/workspace.hpp"

namespace mlops::cli {

RemoteSession::RemoteSession(Context& ctx, const std::string& name, int jobs) : requested_jobs(jobs) {
  const Config& c = ctx.repo().config();
  spec = remote_spec(c, choose_remote(c, name));
  remote = open_remote(spec, {false, jobs});
  // DESIGN §9.6: verification may be turned off, but never silently.
  if (spec.option("ssl_verify", "true") == "false")
    ctx.out().warn("remote '" + spec.name + "': TLS certificates are NOT verified (remote." + spec.name +
                   ".ssl_verify is false)");
  catalog = std::make_unique<RemoteCatalog>(*remote, ctx.repo().tmp_dir() / "remotes" / spec.name);
}

TransferStats fetch_into_cache(Context& ctx, Workspace& ws, RemoteSession& session, const std::vector<TreeRef>& roots) {
  auto progress = ctx.out().progress();
  Transfer t(ws.store(), *session.remote, *session.catalog, ws.store().cache_dir() / "incoming", session.jobs(),
             progress.get());
  return t.fetch(roots);
}

}  // namespace mlops::cli
