// `mlops agent`: the device side of edge delivery. `activate`, `status` and
// `rollback` work on a device root on this machine (the SSH transport runs
// them on the device); `serve` is the HTTPS receiver (agent_server.hpp).
#include <filesystem>
#include <memory>
#include <mutex>

#include <chrono>
#include <thread>

#include "agent_pull.hpp"
#include "agent_server.hpp"
#include "bundle_publication_io.hpp"
#include "bundle_common.hpp"
#include "commands.hpp"
#include "core/delivery_json.hpp"
#include "core/device_incoming.hpp"
#include "core/device_install.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/signing_key_store.hpp"
#include "core/atomic_file.hpp"
#include "core/interrupt.hpp"
#include "core/text.hpp"
#include "remotes/health_url.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

std::vector<MinisignPublicKey> trusted_keys(const std::vector<std::string>& specs) {
  if (specs.empty()) throw Error(Errc::usage, "give at least one --trust key: a device accepts only signed bundles");
  KeyStore store;
  std::vector<MinisignPublicKey> keys;
  for (const auto& spec : specs) keys.push_back(resolve_public_key(store, spec));
  return keys;
}

std::string or_none(const std::optional<std::string>& s) { return s.value_or("none"); }

void print_status(Output& out, const ModelStatus& m) {
  out.line(m.name + "\tcurrent " + or_none(m.current) + " (since " + (m.since.empty() ? "-" : m.since) +
           "), previous " + or_none(m.previous));
}

// The first line of a secret file, which must not be readable by others.
std::string read_token_file(const fs::path& file) {
  std::string text = read_file(file);
  std::string token = trim(text.substr(0, text.find('\n')));
  if (token.empty()) throw Error(Errc::usage, "the token file " + file.string() + " is empty");
  return token;
}

// How long an upload that was never activated stays in ROOT/.incoming.
constexpr std::chrono::hours kUploadLifetime{24};

// The device's own policy (DevicePolicy): flags of the agent, never a
// client's request.
void add_policy_options(CLI::App& cmd, BundleArgs& health, bool& allow_downgrade) {
  add_health_options(cmd, health);
  cmd.get_option("--health-cmd")->description("This device's health check, run instead of the bundle's");
  cmd.add_flag("--allow-downgrade", allow_downgrade, "Activate a version older than the current one too");
}

DevicePolicy device_policy(const BundleArgs& health, bool allow_downgrade) {
  return DevicePolicy{health_from_args(health), allow_downgrade, health_runner_with_http()};
}

void setup_activate(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string root, bundle, sha256;
    std::vector<std::string> trust;
    BundleArgs health;
    bool no_activate = false, allow_downgrade = false;
    int retain = 3;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("bundle", a->bundle, "Bundle file")->required();
  cmd.add_option("--root", a->root, "Device root directory")->required()->type_name("DIR");
  cmd.add_option("--trust", a->trust, "Accept bundles signed by this public key (repeatable)")->type_name("KEY");
  cmd.add_option("--sha256", a->sha256, "Refuse the file unless it has this SHA-256 (hex)")->type_name("HEX");
  cmd.add_flag("--no-activate", a->no_activate, "Install without switching current");
  cmd.add_option("--retain", a->retain, "Versions to keep per model")->check(CLI::Range(1, 1000))->capture_default_str();
  add_policy_options(cmd, a->health, a->allow_downgrade);
  ctx.on_run(&cmd, [&ctx, a] {
    std::vector<MinisignPublicKey> trusted = trusted_keys(a->trust);
    if (!a->sha256.empty() && hash_file(a->bundle) != Hash::parse(a->sha256))
      throw Error(Errc::integrity, a->bundle + " does not have the SHA-256 " + a->sha256 + " (a damaged upload?)");
    DeliveryOptions o;
    o.activate = !a->no_activate;
    o.retain = a->retain;
    DevicePolicy policy = device_policy(a->health, a->allow_downgrade);
    auto& out = ctx.out();
    auto progress = out.progress();
    DeviceRoot device(a->root);
    remove_stale_uploads(device.root(), kUploadLifetime);  // the SSH transport's, left by deploys never finished
    DeliveryReport r = device.deliver(a->bundle, trusted, o, policy, *progress);
    if (r.outcome == DeliveryOutcome::rolled_back) ctx.exit_status = 1;
    out.result(delivery_report_json(r), [&] {
      out.line(r.name + " " + r.version + "\t" + std::string(outcome_name(r.outcome)) + "\tcurrent " +
               or_none(r.current) + ", previous " + or_none(r.previous));
      if (r.health && !r.health->ok) out.error("health check failed (" + r.health->detail + ")");
    });
  });
}

void setup_local_status(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<std::pair<std::string, std::string>>();
  cmd.add_option("name", a->second, "Only this model");
  cmd.add_option("--root", a->first, "Device root directory")->required()->type_name("DIR");
  ctx.on_run(&cmd, [&ctx, a] {
    json models = json::array();
    auto list = DeviceRoot(a->first).status(a->second);
    for (const auto& m : list) models.push_back(model_status_json(m));
    ctx.out().result({{"models", models}}, [&] {
      for (const auto& m : list) print_status(ctx.out(), m);
    });
  });
}

void setup_local_rollback(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<std::pair<std::string, std::string>>();
  cmd.add_option("name", a->second, "Model name")->required();
  cmd.add_option("--root", a->first, "Device root directory")->required()->type_name("DIR");
  ctx.on_run(&cmd, [&ctx, a] {
    ModelStatus m = DeviceRoot(a->first).rollback(a->second, DeliveryOptions{}.lock_timeout);
    ctx.out().result(model_status_json(m), [&] { print_status(ctx.out(), m); });
  });
}

json pull_json(const PullOptions& o, const PullResult& r) {
  json doc = r.report ? delivery_report_json(*r.report) : json{{"name", o.model}};
  doc["stage"] = o.stage;
  doc["publication"] = r.publication ? json(r.publication->number) : json(nullptr);
  if (r.publication) doc["version"] = r.publication->version;
  if (!r.report) doc["outcome"] = r.publication ? "unchanged" : "none";
  return doc;
}

std::string pull_line(const PullOptions& o, const PullResult& r) {
  std::string head = o.model + " " + o.stage + ": ";
  if (!r.publication) return head + "nothing published yet";
  std::string pub = " (publication " + std::to_string(r.publication->number) + ")";
  if (!r.report) return head + r.publication->version + " unchanged" + pub;
  const DeliveryReport& d = *r.report;
  return head + d.version + " " + std::string(outcome_name(d.outcome)) + pub + ", current " + or_none(d.current) +
         ", previous " + or_none(d.previous);
}

// Sleeps `seconds`, waking early when a signal asks to stop.
void wait_between_polls(int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!interrupt_requested() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void setup_agent_pull(CLI::App& cmd, Context& ctx) {
  struct Args {
    PullOptions o;
    std::string from, root;
    std::vector<std::string> trust;
    BundleArgs health;
    int interval = 60;
    bool once = false, allow_downgrade = false;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("--from", a->from, "Data remote the bundles are published on: a URL or a remote's name")
      ->required()
      ->type_name("REMOTE");
  cmd.add_option("--model", a->o.model, "Model name")->required();
  cmd.add_option("--stage", a->o.stage, "Stage to follow, e.g. prod")->required();
  cmd.add_option("--root", a->root, "Device root directory")->required()->type_name("DIR");
  cmd.add_option("--trust", a->trust, "Accept bundles signed by this public key (repeatable)")->type_name("KEY");
  cmd.add_option("--interval", a->interval, "Seconds between polls")->check(CLI::Range(1, 86400))->capture_default_str();
  cmd.add_flag("--once", a->once, "Poll once and exit with its result");
  cmd.add_option("--retain", a->o.delivery.retain, "Versions to keep per model")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_policy_options(cmd, a->health, a->allow_downgrade);
  ctx.on_run(&cmd, [&ctx, a] {
    PullOptions o = a->o;
    o.root = a->root;
    o.trusted = trusted_keys(a->trust);
    o.policy = device_policy(a->health, a->allow_downgrade);
    RemoteSpec spec = publication_remote_spec(ctx, a->from);
    std::unique_ptr<Remote> remote = open_remote(spec);
    auto& out = ctx.out();
    if (a->once) {
      auto progress = out.progress();
      PullResult r = pull_once(*remote, o, *progress);
      if (r.report && r.report->outcome == DeliveryOutcome::rolled_back) ctx.exit_status = 1;
      out.result(pull_json(o, r), [&] {
        out.line(pull_line(o, r));
        if (r.report && r.report->health && !r.report->health->ok)
          out.error("health check failed (" + r.report->health->detail + ")");
      });
      return;
    }
    out.note("following " + o.model + " " + o.stage + " on " + remote->properties().display + " every " +
             std::to_string(a->interval) + " s (Ctrl-C stops)");
    out.flush();
    NullProgress quiet;
    while (!interrupt_requested()) {
      try {
        PullResult r = pull_once(*remote, o, quiet);
        if (r.changed) out.note(pull_line(o, r));
      } catch (const Error& e) {
        if (e.code() == Errc::interrupted) break;
        out.error(e.what());  // the next poll tries again
      }
      out.flush();
      wait_between_polls(a->interval);
    }
    out.note("stopped");
  });
}

void setup_serve(CLI::App& cmd, Context& ctx) {
  struct Args {
    AgentServerOptions o;
    std::string listen = "127.0.0.1:8443", token_file, max_size = "4GiB";
    std::vector<std::string> trust;
    BundleArgs health;
    bool allow_downgrade = false;
    int upload_hours = static_cast<int>(kUploadLifetime.count());
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("--root", a->o.root, "Device root directory")->required()->type_name("DIR");
  cmd.add_option("--listen", a->listen, "Address and port to listen on")->type_name("HOST:PORT")->capture_default_str();
  cmd.add_option("--tls-cert", a->o.tls_cert, "Server certificate (PEM)")->required()->type_name("FILE");
  cmd.add_option("--tls-key", a->o.tls_key, "Server private key (PEM)")->required()->type_name("FILE");
  cmd.add_option("--client-ca", a->o.client_ca, "Require client certificates signed by these CAs (PEM)")
      ->type_name("FILE");
  cmd.add_option("--token-file", a->token_file, "Require this bearer token (first line of FILE)")->type_name("FILE");
  cmd.add_option("--trust", a->trust, "Accept bundles signed by this public key (repeatable)")->type_name("KEY");
  cmd.add_option("--max-size", a->max_size, "Largest bundle accepted")->type_name("SIZE")->capture_default_str();
  cmd.add_option("--upload-hours", a->upload_hours, "Hours an upload that was never activated is kept")
      ->check(CLI::Range(1, 24 * 365))
      ->capture_default_str();
  add_policy_options(cmd, a->health, a->allow_downgrade);
  ctx.on_run(&cmd, [&ctx, a] {
    AgentServerOptions o = a->o;
    if (o.client_ca.empty() && a->token_file.empty())
      throw Error(Errc::usage, "give --client-ca, --token-file or both: the agent does not accept anonymous clients");
    o.trusted = trusted_keys(a->trust);
    o.policy = device_policy(a->health, a->allow_downgrade);
    o.upload_lifetime = std::chrono::hours(a->upload_hours);
    if (!a->token_file.empty()) o.token = read_token_file(a->token_file);
    o.max_bundle_bytes = parse_size(a->max_size, "--max-size");
    auto colon = a->listen.rfind(':');
    uint64_t port = 0;
    if (colon == std::string::npos || !parse_u64(a->listen.substr(colon + 1), port) || port > 65535)
      throw Error(Errc::usage, "--listen wants HOST:PORT, not '" + a->listen + "'");
    o.host = a->listen.substr(0, colon);
    o.port = static_cast<int>(port);
    auto& out = ctx.out();
    auto mu = std::make_shared<std::mutex>();
    o.log = [&out, mu](const std::string& line) {
      std::lock_guard lock(*mu);
      out.note(line);
    };
    o.on_listening = [&out, &o](int p) {
      out.note("serving " + o.root.string() + " on https://" + o.host + ":" + std::to_string(p) + " (Ctrl-C stops)");
      out.flush();
    };
    run_agent_server(o);
    out.note("stopped");
  });
}

}  // namespace

void setup_agent(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "The device side of `mlops deploy`. `serve` receives bundles over HTTPS (mTLS and/or a bearer\n"
      "token) and activates them; `activate`, `status` and `rollback` act on a device root directly\n"
      "(`mlops deploy` runs them over SSH). `pull` is for devices nobody can reach (NAT): it polls a\n"
      "data remote for the newest bundle `mlops bundle publish` put in a stage\n"
      "(bundles/NAME/STAGE/N.json naming bundles/NAME/SHA256.mlbundle), downloads it when it changed\n"
      "and installs it; ROOT/.pull/NAME@STAGE.json remembers what was handled. Every bundle must be\n"
      "signed by a --trust key and every file must match its hash before anything is switched.\n"
      "What runs is the device's decision alone: the bundle's signed health check (or this device's\n"
      "--health-cmd/--health-url), and no version older than the current one unless\n"
      "--allow-downgrade (`rollback` is the explicit way back). Uploads never activated are removed\n"
      "from ROOT/.incoming after --upload-hours (24 for `activate`).\n\n"
      "Example:\n"
      "  mlops agent serve --root /srv/models --listen 0.0.0.0:8443 --tls-cert server.crt \\\n"
      "      --tls-key server.key --client-ca ca.crt --trust release.pub\n"
      "  mlops agent activate --root /srv/models --trust release.pub churn-1.2.0.mlbundle\n"
      "  mlops agent pull --from s3://models/project --model churn --stage prod --root /srv/models \\\n"
      "      --trust release.pub --interval 300");
  cmd.require_subcommand(1);
  setup_activate(*cmd.add_subcommand("activate", "Verify, install and activate a bundle in a device root"), ctx);
  setup_local_status(*cmd.add_subcommand("status", "Show what is active in a device root"), ctx);
  setup_local_rollback(*cmd.add_subcommand("rollback", "Switch a model in a device root back to its previous version"),
                       ctx);
  setup_serve(*cmd.add_subcommand("serve", "Receive and activate bundles over HTTPS"), ctx);
  setup_agent_pull(*cmd.add_subcommand("pull", "Follow a stage: install the bundles published to it on a data remote"), ctx);
}

}  // namespace mlops::cli
