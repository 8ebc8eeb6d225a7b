// `mlops deploy`: deliver a signed bundle to edge targets and activate it;
// `deploy status` and `deploy rollback` look at and steer what is active.
#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "bundle_common.hpp"
#include "commands.hpp"
#include "core/delivery_json.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "delivery_targets.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// Runs `fn` for every target at once, one thread each (devices are slow and
// independent). A failure is recorded in that target's result, not thrown,
// so one broken device does not stop delivery to the others; errors are
// reported afterwards, in the order the targets were named.
// What a target's thread has to say, printed after all are done.
struct TargetMessages {
  std::vector<std::string> errors, notes;
};

struct TargetRun {
  json results = json::array();
  int exit_code = 0;

  using Work = std::function<json(const Target&, Progress&, TargetMessages&)>;
  void run(Output& out, const std::vector<Target>& targets, const Work& fn) {
    std::vector<json> done(targets.size());
    std::vector<TargetMessages> messages(targets.size());
    auto shown = out.progress();
    NullProgress quiet;
    parallel_for(targets.size(), static_cast<int>(targets.size()), [&](size_t i) {
      const Target& t = targets[i];
      json r{{"target", t.name}, {"url", t.url}};
      try {
        r.update(fn(t, targets.size() == 1 ? *shown : static_cast<Progress&>(quiet), messages[i]));
        if (r.value("ok", true)) r["ok"] = true;
      } catch (const Error& e) {
        r["ok"] = false;
        r["error"] = {{"code", static_cast<int>(e.code())}, {"message", e.what()}};
      } catch (const std::exception& e) {  // e.g. filesystem errors: still this target's failure only
        r["ok"] = false;
        r["error"] = {{"code", static_cast<int>(Errc::failure)}, {"message", e.what()}};
      }
      done[i] = std::move(r);
    });
    for (size_t i = 0; i < done.size(); ++i) {
      json& r = done[i];
      for (const auto& n : messages[i].notes) out.note(n);
      for (const auto& e : messages[i].errors) out.error(e);
      if (r.contains("error")) out.error("target " + r["target"].get<std::string>() + ": " +
                                         r["error"]["message"].get<std::string>());
      int code = r.contains("error") ? r["error"]["code"].get<int>() : r["ok"].get<bool>() ? 0 : 1;
      if (exit_code == 0) exit_code = code;
      results.push_back(std::move(r));
    }
  }
};

std::string version_or_none(const json& v) { return v.is_null() ? "none" : v.get<std::string>(); }

}  // namespace

void setup_deploy(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "Each target verifies the bundle's signature against the keys it trusts and every file's hash,\n"
      "unpacks it into ROOT/NAME/VERSION/, switches ROOT/NAME/current atomically, runs the health\n"
      "check (rolling back to the previous version when it fails) and keeps the last K versions.\n"
      "Delivering the version that is already current changes nothing. A path that is not a bundle\n"
      "is bundled first (see `mlops bundle create`; --health-cmd/--health-url go into its signed\n"
      "manifest), and so is a registered model version: NAME@VERSION, NAME#STAGE or NAME --stage\n"
      "STAGE. A version older than the current one is refused unless the target allows downgrades\n"
      "(target.NAME.allow_downgrade; an https:// agent's --allow-downgrade); `deploy rollback` is\n"
      "the way back, recorded in the device's history. Exit status: the first failure's (5: a\n"
      "signature or hash mismatch, 1: a failed health check or other failure).\n\n"
      "Over ssh:// the device runs `mlops agent` when it has mlops (target.NAME.mlops_path), else a\n"
      "POSIX-shell program that needs only sh, tar, sha256sum, readlink and mv -T (and curl or wget\n"
      "for a --health-url): the bundle is verified here and its payload sent as a plain tar with\n"
      "the manifest's sha256sum list; docs/edge.md shows what runs on the device.\n\n"
      "Example:\n  mlops deploy churn-1.2.0.mlbundle --to edge1,edge2\n  mlops deploy churn --stage prod --to edge1\n"
      "  mlops deploy status --to edge1\n  mlops deploy rollback churn --to edge1");

  struct Args {
    BundleArgs bundle;
    std::string to;
    bool no_activate = false;
    int retain = 0;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("bundle", a->bundle.path, "Bundle file, a path to bundle first, or a registered NAME@VERSION");
  cmd.add_option("--to", a->to, "Target names, comma-separated")->type_name("TARGETS");
  cmd.add_flag("--no-activate", a->no_activate, "Install without switching current");
  cmd.add_option("--retain", a->retain, "Versions to keep per model (default: target.NAME.retain, 3)")
      ->check(CLI::Range(1, 1000));
  add_bundle_options(cmd, a->bundle);
  ctx.on_run(&cmd, [&ctx, a] {
    if (a->bundle.path.empty() || a->to.empty())
      throw Error(Errc::usage, "usage: mlops deploy <bundle | path | NAME@VERSION | NAME --stage S> --to <target>[,...]");
    std::vector<Target> targets = resolve_targets(ctx.config(), a->to);
    auto& out = ctx.out();
    std::optional<ScratchDir> scratch;
    fs::path bundle = a->bundle.path;
    if (!is_bundle_file(bundle)) {
      scratch.emplace();
      bundle = build_bundle(ctx, a->bundle, scratch->path()).file;
    } else if (health_from_args(a->bundle)) {
      // The device runs only what the signer signed: a health check is part
      // of the manifest, not of a delivery.
      throw Error(Errc::usage, "the health check of " + bundle.string() + " is part of its signed manifest: give "
                                   "--health-cmd or --health-url to `mlops bundle create`, or deploy the model's "
                                   "path or registered version, which is bundled with them");
    }
    DeliveryOptions o;
    o.activate = !a->no_activate;
    TargetRun runs;
    runs.run(out, targets, [&](const Target& t, Progress& progress, TargetMessages& msgs) {
      DeliveryOptions to = o;
      to.retain = a->retain > 0 ? a->retain : t.retain;
      DeliveryReport r = open_transport(t)->deliver(bundle, to, progress);
      json j = delivery_report_json(r);
      if (r.bytes_sent + r.bytes_resumed > 0) j["transfer"] = {{"sent", r.bytes_sent}, {"resumed", r.bytes_resumed}};
      if (r.bytes_resumed > 0)
        msgs.notes.push_back("target " + t.name + ": resumed the upload at byte " + std::to_string(r.bytes_resumed));
      if (r.outcome == DeliveryOutcome::rolled_back) {
        j["ok"] = false;
        msgs.errors.push_back("target " + t.name + ": health check of " + r.name + " " + r.version + " failed (" +
                              r.health->detail + "); rolled back to " + r.current.value_or("nothing"));
        if (!r.health->output.empty()) msgs.notes.push_back(r.health->output);
      }
      return j;
    });
    ctx.exit_status = runs.exit_code;
    out.result({{"bundle", bundle.string()}, {"targets", runs.results}}, [&] {
      for (const auto& r : runs.results) {
        if (!r.contains("outcome")) continue;
        out.line(r["target"].get<std::string>() + "\t" + r["name"].get<std::string>() + " " +
                 r["version"].get<std::string>() + "\t" + r["outcome"].get<std::string>() + "\tcurrent " +
                 version_or_none(r["current"]) + ", previous " + version_or_none(r["previous"]));
      }
    });
  });

  struct StatusArgs {
    std::string to, name;
  };
  auto s = std::make_shared<StatusArgs>();
  CLI::App* status = cmd.add_subcommand("status", "Show what is active on targets");
  status->add_option("name", s->name, "Only this model");
  status->add_option("--to", s->to, "Target names, comma-separated")->required()->type_name("TARGETS");
  ctx.on_run(status, [&ctx, s] {
    auto& out = ctx.out();
    TargetRun runs;
    runs.run(out, resolve_targets(ctx.config(), s->to), [&](const Target& t, Progress&, TargetMessages&) {
      json models = json::array();
      for (const auto& m : open_transport(t)->status(s->name)) models.push_back(model_status_json(m));
      return json{{"models", models}};
    });
    ctx.exit_status = runs.exit_code;
    out.result({{"targets", runs.results}}, [&] {
      for (const auto& r : runs.results) {
        if (!r.contains("models")) continue;
        for (const auto& m : r["models"])
          out.line(r["target"].get<std::string>() + "\t" + m["name"].get<std::string>() + "\tcurrent " +
                   version_or_none(m["current"]) + " (since " + version_or_none(m["since"]) + "), previous " +
                   version_or_none(m["previous"]));
      }
    });
  });

  struct RollbackArgs {
    std::string to, name;
  };
  auto rb = std::make_shared<RollbackArgs>();
  CLI::App* rollback = cmd.add_subcommand("rollback", "Switch a model back to its previous version");
  rollback->add_option("name", rb->name, "Model name")->required();
  rollback->add_option("--to", rb->to, "Target names, comma-separated")->required()->type_name("TARGETS");
  ctx.on_run(rollback, [&ctx, rb] {
    auto& out = ctx.out();
    TargetRun runs;
    runs.run(out, resolve_targets(ctx.config(), rb->to), [&](const Target& t, Progress&, TargetMessages&) {
      return model_status_json(open_transport(t)->rollback(rb->name, DeliveryOptions{}));
    });
    ctx.exit_status = runs.exit_code;
    out.result({{"targets", runs.results}}, [&] {
      for (const auto& r : runs.results)
        if (r.contains("current"))
          out.line(r["target"].get<std::string>() + "\t" + rb->name + "\tcurrent " + version_or_none(r["current"]) +
                   ", previous " + version_or_none(r["previous"]));
    });
  });
}

}  // namespace mlops::cli
