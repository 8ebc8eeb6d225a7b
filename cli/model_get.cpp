// `mlops model get`: a version's artifact written to a path, from the cache,
// fetching what the cache lacks from a remote first. The version's commit is
// not checked out: the tag's record says which content to write.
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/export_tree.hpp"
#include "core/git_history.hpp"
#include "core/model_artifact.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"
#include "model_common.hpp"
#include "remote_session.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The content a version stands for: its tag's record, else (a tag made by
// hand) what the pointer file of its path said at its commit.
TreeRef content_of(Context& ctx, const std::string& label, const ModelVersion& v) {
  const ArtifactRecord& r = v.registration.message.record;
  if (auto ref = artifact_ref(r)) return *ref;
  if (!r.path.empty())
    if (auto out = pointer_at(GitHistory(ctx.repo().root()), v.registration.commit, r.path))
      return tree_ref(*out);
  throw Error(Errc::failure, label + ": tag " + v.registration.tag + " records no artifact (no path and hash)");
}

// Fetches what the cache lacks of `ref` from the remote; returns the number
// of objects fetched.
uint64_t fetch_missing(Context& ctx, Workspace& ws, const GetArgs& a, const std::string& label, const TreeRef& ref) {
  std::vector<Hash> missing;
  list_entries(ws.store(), ref, missing);
  if (missing.empty()) return 0;
  auto lock = lock_repo(ctx);
  std::unique_ptr<RemoteSession> opened;
  try {
    opened = std::make_unique<RemoteSession>(ctx, a.remote, a.jobs);
  } catch (const Error& e) {
    throw Error(e.code(), label + ": " + std::to_string(missing.size()) + " object(s) are not in the cache and " +
                              "cannot be fetched: " + e.what());
  }
  RemoteSession& session = *opened;
  ctx.out().note(label + ": fetching from " + session.spec.name + " what the cache lacks");
  TransferStats s = fetch_into_cache(ctx, ws, session, {ref});
  ws.store().flush();
  missing.clear();
  list_entries(ws.store(), ref, missing);
  if (!missing.empty())
    throw Error(Errc::remote, label + ": " + std::to_string(missing.size()) + " object(s) are neither in the cache nor on " +
                                  session.spec.name + ", e.g. " + missing.front().str());
  return s.objects;
}

}  // namespace

void setup_model_get(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<GetArgs>();
  cmd.add_option("version", a->ref, "NAME (the latest version), NAME@VERSION or NAME#STAGE")->required();
  cmd.add_option("-s,--stage", a->stage, "Take the version this stage holds");
  cmd.add_option("-o,--out", a->output, "Where to write it (default: the artifact's name, here)");
  cmd.add_flag("-f,--force", a->force, "Replace an existing file or directory at the output path");
  cmd.add_option("-r,--remote", a->remote, "Remote to fetch missing objects from (default: core.remote)");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Writes the file or directory the version records, with the exact bytes registered, without\n"
      "checking out its commit. Objects the cache lacks are fetched from the remote first. The\n"
      "output appears complete or not at all.\n\n"
      "Example:\n  mlops model get churn --stage prod -o /srv/models/churn.pkl");
  ctx.on_run(&cmd, [&ctx, a] {
    ExportedModel m = export_model(ctx, *a);
    json doc{{"name", m.name}, {"version", m.version.tag()}, {"hash", m.hash.str()}, {"output", m.output.string()},
             {"files", m.stats.files}, {"bytes", m.stats.bytes}, {"fetched", m.fetched}};
    ctx.out().result(doc, [&] {
      ctx.out().line("wrote " + version_label(m.name, m.version) + " to " + m.output.string() + " (" +
                     std::to_string(m.stats.files) + " file(s), " + human_size(m.stats.bytes) + ")");
    });
  });
}

ExportedModel export_model(Context& ctx, const GetArgs& a) {
  ModelRef r = parse_model_ref(a.ref);
  Registry reg(ctx.repo().root());
  const ModelVersion& v = resolve_version(reg, r, a.stage);
  std::string label = version_label(r.name, v.version);
  TreeRef ref = content_of(ctx, label, v);
  const std::string& path = v.registration.message.record.path;
  if (a.output.empty() && path.empty()) throw Error(Errc::usage, label + " records no path: give -o PATH");
  fs::path dst = !a.output.empty() ? fs::path(a.output) : a.output_dir / fs::path(path).filename();
  std::error_code ec;
  if (!a.force && fs::symlink_status(dst, ec).type() != fs::file_type::not_found)
    throw Error(Errc::usage, dst.string() + " already exists; use --force to replace it");
  Workspace ws(ctx.repo());
  ws.set_jobs(a.jobs);
  ExportedModel m{r.name, v.version, v.registration.message.record.run, ref.hash, dst, 0, {}};
  m.fetched = fetch_missing(ctx, ws, a, label, ref);
  m.stats = export_tree(ws.store(), ref, dst, a.force, ws.jobs());
  return m;
}

}  // namespace mlops::cli
