// `mlops fsck`: re-hash every object in the cache; find what is corrupt or missing.
#include <sys/stat.h>

#include <filesystem>
#include <map>
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

// A corrupt loose object's file, as it was before quarantine moved it: a
// workspace file that is a hardlink to it (same inode) or a symlink to it
// holds the same damaged bytes.
struct CorruptLoose {
  fs::path location;
  dev_t dev;
  ino_t ino;
};

// How the workspace file at `path` shares the corrupt object's bytes, or "".
std::string shares(const fs::path& path, const CorruptLoose& c) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return "";
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    return fs::read_symlink(path, ec) == c.location ? "symlink" : "";
  }
  return S_ISREG(st.st_mode) && st.st_dev == c.dev && st.st_ino == c.ino ? "hardlink" : "";
}

// Walks what the workspace's pointer files record: objects the cache lacks
// go to `missing`, workspace files sharing a corrupt loose object to `shared`.
struct WorkspaceCheck {
  ObjectStore& store;
  const fs::path& root;
  const std::map<Hash, CorruptLoose>& corrupt;
  std::vector<std::string> missing;
  json shared = json::array();

  void walk(EntryKind kind, const Hash& h, const std::string& path) {
    if (auto it = corrupt.find(h); it != corrupt.end()) {
      if (std::string how = shares(root / path, it->second); !how.empty())
        shared.push_back({{"path", path}, {"hash", h.str()}, {"link", how}});
      return;
    }
    if (!store.contains(h)) {
      missing.push_back(path + " (" + h.str() + ")");
      return;
    }
    if (kind != EntryKind::dir) return;
    Tree t = parse_tree(store.get_bytes(h), h.str());
    for (const auto& e : t.entries) walk(e.kind, e.hash, path + "/" + e.name);
  }
};

}  // namespace

void setup_fsck(CLI::App& cmd, Context& ctx) {
  struct Args {
    bool repair = false;
    int jobs = 0;
  };
  auto a = std::make_shared<Args>();
  cmd.add_flag("--repair", a->repair,
               "Also rebuild the pack index from the pack files, keeping every intact object of a damaged pack");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Re-hashes every object in the cache in parallel. Corrupt objects are moved to\n"
      ".mlops/cache/quarantine/ and reported (exit 5); add or pull the data again to restore them.\n"
      "Workspace files that share a corrupt object (hardlink or symlink link types) are named.\n"
      "Damaged packs and index rows are reported (exit 5); --repair rewrites a damaged pack's\n"
      "intact objects into a new pack and moves the damaged file to quarantine.\n"
      "Objects that the workspace's pointer files need but the cache lacks are reported too (exit 1).");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    ObjectStore& store = ws.store();
    ObjectStore::RepairStats repair;
    if (a->repair) repair = store.rebuild_index();
    auto progress = ctx.out().progress();
    uint64_t objects = 0, bytes = 0;
    store.for_each_object([&](const ObjectStore::ObjectInfo& i) {
      ++objects;
      bytes += i.size;
    });
    auto corrupt = store.verify(ws.jobs(), *progress);
    auto damaged = store.damaged_packs();
    json bad = json::array();
    std::map<Hash, CorruptLoose> corrupt_loose;
    bool packed_bad = !damaged.empty();
    for (const auto& c : corrupt) {
      struct stat st {};
      if (!c.packed && ::stat(c.location.c_str(), &st) == 0) corrupt_loose[c.hash] = {c.location, st.st_dev, st.st_ino};
      packed_bad = packed_bad || c.packed;
      store.quarantine(c);
      bad.push_back({{"hash", c.hash.str()}, {"location", c.location.string()}, {"packed", c.packed}});
    }
    json damaged_json = json::array();
    for (const auto& d : damaged) damaged_json.push_back({{"pack", d.pack}, {"problem", d.problem}});
    WorkspaceCheck check{store, ws.repo().root(), corrupt_loose, {}, json::array()};
    for (const auto& t : find_tracked(ws.repo().root()))
      check.walk(t.out.kind == OutKind::dir ? EntryKind::dir : EntryKind::file, t.out.hash, t.path);
    json doc{{"objects", objects},        {"bytes", bytes},          {"corrupt", bad},
             {"damaged_packs", damaged_json}, {"shared", check.shared}, {"missing", check.missing}};
    if (a->repair) {
      doc["reindexed"] = repair.objects;
      doc["repaired_packs"] = repair.damaged_packs;
      doc["dropped"] = repair.dropped;
    }
    auto& out = ctx.out();
    out.result(doc, [&] {
      for (const auto& p : repair.damaged_packs)
        out.line(out.paint(Color::yellow, "repaired") + "  " + p + ": intact objects rewritten to a new pack, " +
                 "the damaged file moved to quarantine");
      if (repair.dropped > 0)
        out.line(out.paint(Color::yellow, "dropped") + "   " + std::to_string(repair.dropped) +
                 " corrupt pack entries (quarantined with their pack)");
      out.line("checked " + std::to_string(objects) + " objects (" + human_size(bytes) + ")");
      for (const auto& b : bad)
        out.line(out.paint(Color::red, "corrupt") + "  " + b["hash"].get<std::string>() + "  " +
                 b["location"].get<std::string>() + " (quarantined)");
      for (const auto& d : damaged) out.line(out.paint(Color::red, "damaged") + "  " + d.problem);
      for (const auto& s : check.shared)
        out.line(out.paint(Color::red, "shared") + "   " + s["path"].get<std::string>() + " is a " +
                 s["link"].get<std::string>() + " to corrupt object " + s["hash"].get<std::string>());
      for (const auto& m : check.missing) out.line(out.paint(Color::yellow, "missing") + "  " + m);
    });
    // Entries a repair dropped were corrupt bytes in a pack: what that loses
    // shows up as missing below, and an object stored again since is not lost.
    if (!bad.empty() || !damaged.empty()) {
      out.error(std::to_string(bad.size()) + " corrupt object(s) found and quarantined" +
                (damaged.empty() ? "" : ", " + std::to_string(damaged.size()) + " damaged pack(s)"));
      // A damaged index row or pack header may hide intact bytes that only a
      // rebuild from the packs can find again.
      if (packed_bad && !a->repair)
        out.error("run `mlops fsck --repair` to rebuild the pack index from the packs; it keeps every intact object");
      ctx.exit_status = static_cast<int>(Errc::integrity);
    } else if (!check.missing.empty()) {
      ctx.exit_status = 1;
    }
  });
}

}  // namespace mlops::cli
