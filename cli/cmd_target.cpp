// `mlops target add|list|remove`: edge targets live in the config files as
// target.<name>.* keys: url, trust (the public keys whose bundles the target
// accepts), retain.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/bundle_manifest.hpp"
#include "core/error.hpp"
#include "core/signing_key_store.hpp"
#include "core/text.hpp"
#include "delivery_targets.hpp"
#include "remotes/url.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The file target commands edit: the repository's config inside a
// repository, else the user's global one.
fs::path target_config_file(Context& ctx, bool global) {
  if (!global && Repo::find_root(fs::current_path())) return ctx.repo().config_files().repo;
  return ConfigFiles::standard({}).global;
}

bool target_exists(const Config& c, const std::string& name) {
  auto names = c.names_in("target");
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> key_ids(const std::vector<MinisignPublicKey>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(key_id_hex(k.key_id));
  return out;
}

}  // namespace

void setup_target(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "A target is a device (or a fleet's mount point) that `mlops deploy` delivers bundles to.\n"
      "URLs: file:///root (a mounted device). It accepts only bundles signed by one of its trusted\n"
      "keys: a key name from `mlops keys list`, a minisign .pub file, or a public key's base64 line.\n"
      "Without --key-trust, the key named `default` is trusted when it exists.\n\n"
      "Example:\n  mlops target add edge1 file:///mnt/edge1/models --key-trust release\n  mlops target list");
  cmd.require_subcommand(1);

  struct AddArgs {
    std::string name, url;
    std::vector<std::string> trust;
    bool global = false, force = false;
    int retain = 0;
  };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = cmd.add_subcommand("add", "Add an edge target");
  add->add_option("name", a->name, "Name of the target")->required();
  add->add_option("url", a->url, "Where it is: file:///root")->required();
  add->add_option("--key-trust", a->trust, "Accept bundles signed by this public key (repeatable)")->type_name("KEY");
  add->add_option("--retain", a->retain, "Versions to keep per model on the target (default 3)")
      ->check(CLI::Range(1, 1000));
  add->add_flag("--global", a->global, "Write to the user's config file instead of the repository's");
  add->add_flag("-f,--force", a->force, "Replace a target of the same name");
  ctx.on_run(add, [&ctx, a] {
    check_bundle_name(a->name, "target name");
    RemoteUrl url = parse_remote_url(a->url);
    auto schemes = transport_schemes();
    if (std::find(schemes.begin(), schemes.end(), url.scheme + "://") == schemes.end())
      throw Error(Errc::usage, url.scheme + ":// targets are not supported (supported: " + join(schemes, ", ") + ")");
    fs::path file = target_config_file(ctx, a->global);
    if (target_exists(ctx.config(), a->name) && !a->force)
      throw Error(Errc::usage, "target '" + a->name + "' exists; use --force to replace it");
    KeyStore store;
    std::vector<MinisignPublicKey> keys;
    for (const auto& spec : a->trust) keys.push_back(resolve_public_key(store, spec));
    bool defaulted = false;
    if (keys.empty()) {
      if (auto k = store.find(KeyStore::kDefaultName)) {
        keys.push_back(k->pub);
        defaulted = true;
      }
    }
    config_file_remove_section(file, "target." + a->name);
    config_file_set(file, "target." + a->name + ".url", a->url);
    if (!keys.empty()) config_file_set(file, "target." + a->name + ".trust", encode_trust(keys));
    if (a->retain > 0) config_file_set(file, "target." + a->name + ".retain", std::to_string(a->retain));
    auto& out = ctx.out();
    out.result({{"name", a->name}, {"url", a->url}, {"trust", key_ids(keys)}, {"file", file.string()}}, [&] {
      out.note("added target " + a->name + " (" + a->url + ") to " + file.string());
      if (defaulted) out.note("it trusts your key 'default' (" + key_id_hex(keys[0].key_id) + ")");
      if (keys.empty())
        out.warn("target " + a->name + " trusts no key yet: deliveries are refused until you add one with --key-trust");
    });
  });

  CLI::App* list = cmd.add_subcommand("list", "List edge targets and the keys they trust");
  ctx.on_run(list, [&ctx] {
    const Config& c = ctx.config();
    json items = json::array();
    for (const auto& name : c.names_in("target")) {
      Target t = resolve_target(c, name);
      items.push_back({{"name", t.name}, {"url", t.url}, {"trust", key_ids(t.trusted)}, {"retain", t.retain}});
    }
    auto& out = ctx.out();
    out.result({{"targets", items}}, [&] {
      for (const auto& t : items) {
        auto ids = t["trust"].get<std::vector<std::string>>();
        out.line(t["name"].get<std::string>() + "\t" + t["url"].get<std::string>() + "\ttrusts " +
                 (ids.empty() ? "no key" : join(ids, ",")));
      }
    });
  });

  struct RemoveArgs {
    std::string name;
    bool global = false;
  };
  auto r = std::make_shared<RemoveArgs>();
  CLI::App* remove = cmd.add_subcommand("remove", "Remove an edge target");
  remove->add_option("name", r->name, "Name of the target")->required();
  remove->add_flag("--global", r->global, "Remove it from the user's config file");
  ctx.on_run(remove, [&ctx, r] {
    fs::path file = target_config_file(ctx, r->global);
    if (!config_file_remove_section(file, "target." + r->name))
      throw Error(Errc::usage, "no target named '" + r->name + "' in " + file.string());
    ctx.out().result({{"removed", r->name}}, [&] { ctx.out().note("removed target " + r->name); });
  });
}

}  // namespace mlops::cli
