// `mlops target add|list|remove`: edge targets live in the config files as
// target.<name>.* keys: url, trust (the public keys whose bundles the target
// accepts), retain.
#include <filesystem>
#include <memory>
#include <tuple>

#include "commands.hpp"
#include "core/bundle_manifest.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/signing_key_store.hpp"
#include "core/text.hpp"
#include "delivery_targets.hpp"
#include "remotes/url.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The file target commands edit: the repository's config inside a
// repository, else the user's global one. Secrets go to the repository's
// uncommitted config.local.yaml instead (the global file is the user's own).
fs::path target_config_file(Context& ctx, bool global, bool secret = false) {
  if (!global && Repo::find_root(fs::current_path()))
    return secret ? ctx.repo().config_files().local : ctx.repo().config_files().repo;
  return ConfigFiles::standard({}).global;
}

std::string absolute_file(const std::string& file, const char* option) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(Errc::usage, std::string(option) + " " + file + " is not a file");
  return fs::absolute(file).string();
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
      "URLs: file:///root (a mounted device), ssh://[user@]host[:port]/root (mlops on the device runs\n"
      "`mlops agent activate`; without it a POSIX shell does the same), https://host:port (a device\n"
      "running `mlops agent serve`). SSH honours ~/.ssh/config and always checks host keys; HTTPS\n"
      "always verifies TLS (--ca pins a private CA). A target accepts only bundles signed by one of its trusted\n"
      "keys: a key name from `mlops keys list`, a minisign .pub file, or a public key's base64 line.\n"
      "Without --key-trust, the key named `default` is trusted when it exists.\n\n"
      "Example:\n  mlops target add edge1 file:///mnt/edge1/models --key-trust release\n"
      "  mlops target add edge2 ssh://deploy@10.0.0.7/srv/models --identity ~/.ssh/edge_ed25519\n"
      "  mlops target add edge3 https://10.0.0.8:8443 --ca fleet-ca.pem --cert me.crt --key me.key\n"
      "  mlops target list");
  cmd.require_subcommand(1);

  struct AddArgs {
    std::string name, url;
    std::string identity, known_hosts, mlops_path, ca, cert, key, token_file;
    std::vector<std::string> trust;
    bool global = false, force = false;
    int retain = 0;
  };
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = cmd.add_subcommand("add", "Add an edge target");
  add->add_option("name", a->name, "Name of the target")->required();
  add->add_option("url", a->url, "Where it is: file:///root, ssh://[user@]host[:port]/root, https://host:port")
      ->required();
  add->add_option("--identity", a->identity, "SSH: private key to log in with")->type_name("FILE");
  add->add_option("--known-hosts", a->known_hosts, "SSH: known_hosts file (default ~/.ssh/known_hosts)")
      ->type_name("FILE");
  add->add_option("--mlops-path", a->mlops_path, "SSH: the mlops program on the device (default: on its PATH)")
      ->type_name("PATH");
  add->add_option("--ca", a->ca, "HTTPS: CA certificates (PEM) the agent's certificate must chain to")
      ->type_name("FILE");
  add->add_option("--cert", a->cert, "HTTPS: client certificate (PEM) for mTLS")->type_name("FILE");
  add->add_option("--key", a->key, "HTTPS: the client certificate's private key (PEM)")->type_name("FILE");
  add->add_option("--token-file", a->token_file,
                  "HTTPS: bearer token (first line of FILE), kept in the uncommitted config.local.yaml")
      ->type_name("FILE");
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
    for (const auto& [key, value, option] :
         {std::tuple{"keyfile", a->identity, "--identity"}, {"known_hosts", a->known_hosts, "--known-hosts"},
          {"ca", a->ca, "--ca"}, {"cert", a->cert, "--cert"}, {"key", a->key, "--key"}})
      if (!value.empty()) config_file_set(file, "target." + a->name + "." + key, absolute_file(value, option));
    if (!a->mlops_path.empty()) config_file_set(file, "target." + a->name + ".mlops_path", a->mlops_path);
    if (!a->token_file.empty()) {
      std::string token = trim(read_file(a->token_file));
      token = token.substr(0, token.find('\n'));
      if (token.empty()) throw Error(Errc::usage, "the token file " + a->token_file + " is empty");
      fs::path secrets = target_config_file(ctx, a->global, true);
      config_file_remove_section(secrets, "target." + a->name);
      config_file_set(secrets, "target." + a->name + ".token", token);
    }
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
    if (fs::path secrets = target_config_file(ctx, r->global, true); secrets != file)
      config_file_remove_section(secrets, "target." + r->name);
    ctx.out().result({{"removed", r->name}}, [&] { ctx.out().note("removed target " + r->name); });
  });
}

}  // namespace mlops::cli
