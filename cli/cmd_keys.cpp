// `mlops keys generate|list|export`: the Ed25519 keys that sign bundles.
#include <memory>
#include <optional>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/signing_key_store.hpp"

namespace mlops::cli {
namespace {

json key_json(const StoredKey& k) {
  return {{"name", k.name},
          {"key_id", key_id_hex(k.pub.key_id)},
          {"has_secret", k.has_secret},
          {"encrypted", k.encrypted},
          {"public_key", encode_public_key_line(k.pub)},
          {"public_file", k.public_file.string()}};
}

}  // namespace

void setup_keys(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "Keys live in $XDG_CONFIG_HOME/mlops/keys/: NAME.key (secret, PKCS#8 PEM, mode 0600) and\n"
      "NAME.pub (minisign format). Copy someone's .pub file there to trust or verify by name.\n\n"
      "Example:\n  mlops keys generate --name release --passphrase-file ~/.release-pass\n"
      "  mlops keys export release > release.pub && minisign -Vm manifest.json -x manifest.minisig -p release.pub");
  cmd.require_subcommand(1);

  struct GenArgs {
    std::string name = KeyStore::kDefaultName;
    std::string passphrase_file;
    bool force = false;
  };
  auto g = std::make_shared<GenArgs>();
  CLI::App* gen = cmd.add_subcommand("generate", "Create a new signing key pair");
  gen->add_option("--name", g->name, "Name of the key")->capture_default_str();
  gen->add_option("--passphrase-file", g->passphrase_file, "Encrypt the secret key with the first line of FILE")
      ->type_name("FILE");
  gen->add_flag("-f,--force", g->force, "Replace an existing key of that name");
  ctx.on_run(gen, [&ctx, g] {
    std::optional<std::string> pass;
    if (!g->passphrase_file.empty()) pass = read_passphrase_file(g->passphrase_file);
    StoredKey k = KeyStore().generate(g->name, pass, g->force);
    auto& out = ctx.out();
    out.result(key_json(k), [&] {
      out.line("key " + k.name + "  id " + key_id_hex(k.pub.key_id));
      out.note("secret key: " + k.secret_file.string() + (pass ? " (encrypted)" : " (not encrypted)"));
      out.note("public key: " + k.public_file.string());
    });
  });

  CLI::App* list = cmd.add_subcommand("list", "List keys: name, key id, whether the secret key is here");
  ctx.on_run(list, [&ctx] {
    KeyStore store;
    auto keys = store.list();
    json items = json::array();
    for (const auto& k : keys) items.push_back(key_json(k));
    auto& out = ctx.out();
    out.result({{"dir", store.dir().string()}, {"keys", items}}, [&] {
      if (keys.empty()) out.note("no keys in " + store.dir().string() + "; create one with `mlops keys generate`");
      for (const auto& k : keys)
        out.line(k.name + "\t" + key_id_hex(k.pub.key_id) + "\t" +
                 (k.has_secret ? (k.encrypted ? "secret (encrypted)" : "secret") : "public only"));
    });
  });

  auto export_name = std::make_shared<std::string>(KeyStore::kDefaultName);
  CLI::App* exp = cmd.add_subcommand("export", "Print a public key in minisign's .pub format");
  exp->add_option("name", *export_name, "Name of the key")->capture_default_str();
  ctx.on_run(exp, [&ctx, export_name] {
    StoredKey k = KeyStore().get(*export_name);
    auto& out = ctx.out();
    out.result(key_json(k),
               [&] { out.print(format_public_key(k.pub, "minisign public key " + key_id_hex(k.pub.key_id))); });
  });
}

}  // namespace mlops::cli
