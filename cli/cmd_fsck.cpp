// `mlops fsck`: re-hash every object in the cache; find what is corrupt or missing.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/tracked.hpp"
#include "core/tree.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// Objects the workspace's pointer files need that the cache lacks.
void find_missing(ObjectStore& store, EntryKind kind, const Hash& h, const std::string& path,
                  std::vector<std::string>& missing) {
  if (!store.contains(h)) {
    missing.push_back(path + " (" + h.str() + ")");
    return;
  }
  if (kind != EntryKind::dir) return;
  Tree t = parse_tree(store.get_bytes(h), h.str());
  for (const auto& e : t.entries) find_missing(store, e.kind, e.hash, path + "/" + e.name, missing);
}

}  // namespace

void setup_fsck(CLI::App& cmd, Context& ctx) {
  struct Args {
    bool repair = false;
    int jobs = 0;
  };
  auto a = std::make_shared<Args>();
  cmd.add_flag("--repair", a->repair, "Also rebuild the pack index from the pack files");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Re-hashes every object in the cache in parallel. Corrupt objects are moved to\n"
      ".mlops/cache/quarantine/ and reported (exit 5); add or pull the data again to restore them.\n"
      "Objects that the workspace's pointer files need but the cache lacks are reported too (exit 1).");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    ObjectStore& store = ws.store();
    uint64_t reindexed = a->repair ? store.rebuild_index() : 0;
    auto progress = ctx.out().progress();
    uint64_t objects = 0, bytes = 0;
    store.for_each_object([&](const ObjectStore::ObjectInfo& i) {
      ++objects;
      bytes += i.size;
    });
    auto corrupt = store.verify(ws.jobs(), *progress);
    json bad = json::array();
    for (const auto& c : corrupt) {
      store.quarantine(c);
      bad.push_back({{"hash", c.hash.str()}, {"location", c.location.string()}, {"packed", c.packed}});
    }
    std::vector<std::string> missing;
    for (const auto& t : find_tracked(ws.repo().root()))
      find_missing(store, t.out.kind == OutKind::dir ? EntryKind::dir : EntryKind::file, t.out.hash, t.path, missing);
    json doc{{"objects", objects}, {"bytes", bytes}, {"corrupt", bad}, {"missing", missing}};
    if (a->repair) doc["reindexed"] = reindexed;
    auto& out = ctx.out();
    out.result(doc, [&] {
      out.line("checked " + std::to_string(objects) + " objects (" + human_size(bytes) + ")");
      for (const auto& b : bad)
        out.line(out.paint(Color::red, "corrupt") + "  " + b["hash"].get<std::string>() + "  " +
                 b["location"].get<std::string>() + " (quarantined)");
      for (const auto& m : missing) out.line(out.paint(Color::yellow, "missing") + "  " + m);
    });
    if (!bad.empty()) {
      out.error(std::to_string(bad.size()) + " corrupt object(s) found and quarantined");
      ctx.exit_status = static_cast<int>(Errc::integrity);
    } else if (!missing.empty()) {
      ctx.exit_status = 1;
    }
  });
}

}  // namespace mlops::cli
