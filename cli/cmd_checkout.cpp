// `mlops checkout`: make the workspace match the pointer files.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/checkout.hpp"
#include "core/error.hpp"
#include "core/tracked.hpp"
#include "core/workspace.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {

void setup_checkout(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::vector<std::string> paths;
    bool force = false, relink = false;
    int jobs = 0;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("paths", a->paths, "Tracked paths to restore (default: all)");
  cmd.add_flag("-f,--force", a->force, "Overwrite workspace changes that are not saved in the cache");
  cmd.add_flag("--relink", a->relink, "Re-create unchanged files with the configured core.link_type");
  add_jobs_option(cmd, a->jobs);
  cmd.footer(
      "Creates, updates and deletes workspace files so that tracked paths match their pointer\n"
      "files, e.g. after `git checkout`. A workspace file whose content is not in the cache is\n"
      "an unsaved change: it is left alone and reported (exit 1) unless --force is given.");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    ws.set_jobs(a->jobs);
    auto progress = ctx.out().progress();
    CheckoutOptions o;
    o.force = a->force;
    o.relink = a->relink;
    o.link_types = ws.link_types();
    o.jobs = ws.jobs();
    o.progress = progress.get();
    auto& out = ctx.out();
    json items = json::array();
    std::vector<std::string> refused, missing;
    for (const auto& t : select_tracked(ws.repo().root(), fs::current_path(), a->paths)) {
      if (!ws.store().contains(t.out.hash)) {
        missing.push_back(t.path);
        items.push_back({{"path", t.path}, {"status", "not in cache"}});
        continue;
      }
      Checkout co(ws.repo().root(), ws.store(), ws.state(), o);
      co.apply(t.path, tree_ref(t.out));
      const auto& s = co.stats();
      json links = json::object();
      for (const auto& [k, v] : s.link_types_used) links[k] = v;
      items.push_back({{"path", t.path},
                       {"status", s.refused.empty() ? "ok" : "refused"},
                       {"created", s.created},
                       {"updated", s.updated},
                       {"deleted", s.deleted},
                       {"refused", s.refused},
                       {"link_types", links}});
      refused.insert(refused.end(), s.refused.begin(), s.refused.end());
    }
    out.result({{"paths", items}}, [&] {
      for (const auto& i : items) {
        if (i["status"] == "not in cache") continue;
        uint64_t n = i["created"].get<uint64_t>() + i["updated"].get<uint64_t>() + i["deleted"].get<uint64_t>();
        if (n == 0) continue;
        out.line(i["path"].get<std::string>() + ": " + std::to_string(i["created"].get<uint64_t>()) + " created, " +
                 std::to_string(i["updated"].get<uint64_t>()) + " updated, " +
                 std::to_string(i["deleted"].get<uint64_t>()) + " deleted");
      }
    });
    for (const auto& m : missing) out.warn(m + ": not in the cache; run `mlops pull " + m + "` to fetch it");
    if (!refused.empty()) {
      std::string list;
      for (const auto& r : refused) list += "\n  " + r;
      out.error("left " + std::to_string(refused.size()) +
                " file(s) alone that have changes not saved in the cache:" + list +
                "\nsave them with `mlops commit`, or discard them with `mlops checkout --force`");
    }
    if (!refused.empty() || !missing.empty()) ctx.exit_status = 1;
  });
}

void setup_unprotect(CLI::App& cmd, Context& ctx) {
  auto paths = std::make_shared<std::vector<std::string>>();
  cmd.add_option("paths", *paths, "Tracked paths to make editable")->required();
  cmd.footer(
      "With core.link_type hardlink or symlink, workspace files are read-only links into the\n"
      "cache. This replaces them with writable copies; `mlops commit` records the edits.");
  ctx.on_run(&cmd, [&ctx, paths] {
    auto lock = lock_repo(ctx);
    Workspace ws(ctx.repo());
    CheckoutOptions o;
    o.relink = true;
    o.link_types = {"copy"};
    o.jobs = ws.jobs();
    json items = json::array();
    for (const auto& t : select_tracked(ws.repo().root(), fs::current_path(), *paths)) {
      Checkout co(ws.repo().root(), ws.store(), ws.state(), o);
      co.apply(t.path, tree_ref(t.out));
      items.push_back({{"path", t.path}, {"files", co.stats().updated + co.stats().created}});
    }
    ctx.out().result({{"paths", items}}, [&] {
      for (const auto& i : items) ctx.out().line("unprotected  " + i["path"].get<std::string>());
    });
  });
}

}  // namespace mlops::cli
