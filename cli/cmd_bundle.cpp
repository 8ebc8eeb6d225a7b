// `mlops bundle create|verify|inspect`: signed, portable model versions.
#include <filesystem>
#include <memory>

#include "bundle_common.hpp"
#include "bundle_publication_io.hpp"
#include "model_common.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "core/signing_key_store.hpp"
#include "core/text.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// --key values, or every key in the key store when none is given.
std::vector<MinisignPublicKey> trusted_keys(const std::vector<std::string>& specs) {
  KeyStore store;
  std::vector<MinisignPublicKey> out;
  for (const auto& s : specs) out.push_back(resolve_public_key(store, s));
  if (specs.empty())
    for (const auto& k : store.list()) out.push_back(k.pub);
  return out;
}

void print_manifest(Output& out, const BundleHeader& h) {
  const BundleManifest& m = h.manifest;
  auto row = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) out.line(out.paint(Color::bold, k) + std::string(12 - k.size(), ' ') + v);
  };
  row("name", m.name);
  row("version", m.version);
  row("created", m.created);
  row("git commit", m.git_commit);
  row("run", m.run);
  row("digest", h.manifest_digest.str());
  row("signed by", key_id_hex(h.signature.key_id));
  if (m.health) {
    row("health", (m.health->cmd.empty() ? m.health->url : m.health->cmd) + " (timeout " +
                      std::to_string(m.health->timeout_seconds) + " s)");
  }
  if (!m.requirements.is_null()) row("requires", m.requirements.dump());
  if (!m.params.is_null()) row("params", m.params.dump());
  if (!m.metrics.is_null()) row("metrics", m.metrics.dump());
  row("files", std::to_string(m.files.size()) + " (" + human_size(m.total_size()) + ")");
  for (const auto& f : m.files) {
    std::string size = human_size(f.size);
    if (size.size() < 10) size.insert(0, 10 - size.size(), ' ');
    out.line("  " + bundle_mode_text(f.mode) + "  " + size + "  " + f.sha256.hex().substr(0, 12) + "  " + f.path);
  }
}

json manifest_json(const BundleHeader& h) {
  json doc = json::parse(h.manifest_text);
  doc["digest"] = h.manifest_digest.str();
  doc["signed_by"] = key_id_hex(h.signature.key_id);
  doc["trusted_comment"] = h.signature.trusted_comment;
  return doc;
}

}  // namespace

void setup_bundle(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "A bundle is a tar: version, manifest.json, manifest.minisig (minisign-compatible Ed25519\n"
      "signature of the manifest), payload.tar.zst. A tracked path is bundled as its pointer file\n"
      "records it (from the cache); any other file or directory as it is on disk.\n\n"
      "`publish` puts a bundle on a data remote as the newest of a stage, for devices that follow the\n"
      "stage with `mlops agent pull`: bundles/NAME/SHA256.mlbundle and bundles/NAME/STAGE/N.json (see\n"
      "`mlops agent`). Devices verify the signature with their own keys.\n\n"
      "Example:\n  mlops bundle create models/churn --version 1.2.0 --health-cmd './selftest'\n"
      "  mlops bundle verify churn-1.2.0.mlbundle\n  mlops bundle inspect churn-1.2.0.mlbundle --json\n"
      "  mlops bundle publish churn --stage prod --to storage");
  cmd.require_subcommand(1);

  auto a = std::make_shared<BundleArgs>();
  CLI::App* create = cmd.add_subcommand("create", "Make a signed bundle of a model");
  create->add_option("path", a->path, "Tracked path, file or directory, or a registered NAME@VERSION")->required();
  create->add_option("-o,--output", a->output, "Bundle file (default: NAME-VERSION.mlbundle here)")->type_name("FILE");
  add_bundle_options(*create, *a);
  ctx.on_run(create, [&ctx, a] {
    CreatedBundle b = build_bundle(ctx, *a, ".");
    json doc = manifest_summary(b.manifest, b.manifest_digest);
    doc["file"] = b.file.string();
    doc["bytes"] = b.bytes;
    doc["signed_by"] = key_id_hex(b.signer.key_id);
    auto& out = ctx.out();
    out.result(doc, [&] {
      out.line(b.file.string());
      out.note(b.manifest.name + " " + b.manifest.version + ": " + std::to_string(b.manifest.files.size()) +
               " file(s), " + human_size(b.manifest.total_size()) + ", bundle " + human_size(b.bytes) + ", signed by " +
               key_id_hex(b.signer.key_id));
    });
  });

  struct VerifyArgs {
    std::string file;
    std::vector<std::string> keys;
  };
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = cmd.add_subcommand("verify", "Check a bundle's signature and every file's hash");
  verify->add_option("file", v->file, "Bundle file")->required();
  verify
      ->add_option("--key", v->keys,
                   "Trusted public key: key name, .pub file or base64 line (repeatable; "
                   "default: every key in `mlops keys list`)")
      ->type_name("KEY");
  ctx.on_run(verify, [&ctx, v] {
    BundleReader reader(v->file);
    MinisignPublicKey signer = reader.verify_header(trusted_keys(v->keys));
    auto progress = ctx.out().progress();
    reader.read_payload(std::nullopt, *progress);
    const BundleHeader& h = reader.read_header();
    json doc = manifest_summary(h.manifest, h.manifest_digest);
    doc["file"] = v->file;
    doc["signed_by"] = key_id_hex(signer.key_id);
    doc["verified"] = true;
    auto& out = ctx.out();
    out.result(doc, [&] {
      out.line(out.paint(Color::green, "verified") + "  " + h.manifest.name + " " + h.manifest.version + "  " +
               std::to_string(h.manifest.files.size()) + " file(s), " + human_size(h.manifest.total_size()) +
               ", signed by " + key_id_hex(signer.key_id));
    });
  });

  auto inspect_file = std::make_shared<std::string>();
  CLI::App* inspect = cmd.add_subcommand("inspect", "Show a bundle's manifest (the signature is not checked)");
  inspect->add_option("file", *inspect_file, "Bundle file")->required();
  ctx.on_run(inspect, [&ctx, inspect_file] {
    BundleReader reader(*inspect_file);
    const BundleHeader& h = reader.read_header();
    ctx.out().result(manifest_json(h), [&] { print_manifest(ctx.out(), h); });
  });

  auto p = std::make_shared<std::pair<BundleArgs, std::string>>();
  CLI::App* publish = cmd.add_subcommand("publish", "Put a bundle on a data remote as the newest of a stage");
  publish->add_option("bundle", p->first.path, "Bundle file, a path to bundle first, or a registered NAME@VERSION")
      ->required();
  publish->add_option("--to", p->second, "Data remote: a configured remote's name or a URL (default: core.remote)")
      ->type_name("REMOTE");
  add_bundle_options(*publish, p->first);
  ctx.on_run(publish, [&ctx, p] {
    const BundleArgs& args = p->first;
    std::string stage = args.stage;
    if (stage.empty() && !is_bundle_file(args.path) && args.path.find('#') != std::string::npos)
      stage = parse_model_ref(args.path).stage;
    if (stage.empty())
      throw Error(Errc::usage, "name the stage to publish to: --stage STAGE (or NAME#STAGE for a registered model)");
    std::optional<ScratchDir> scratch;
    fs::path bundle = args.path;
    if (!is_bundle_file(bundle)) bundle = build_bundle(ctx, args, scratch.emplace().path()).file;
    RemoteSpec spec = publication_remote_spec(ctx, p->second);
    std::unique_ptr<Remote> remote = open_remote(spec);
    PublishResult r = publish_bundle(*remote, bundle, stage);
    const Publication& pub = r.publication;
    json doc{{"name", pub.name},     {"version", pub.version}, {"stage", pub.stage},
             {"remote", remote->properties().display}, {"bundle", pub.bundle},   {"sha256", pub.sha256.hex()},
             {"publication", pub.number}, {"unchanged", r.unchanged}};
    auto& out = ctx.out();
    out.result(doc, [&] {
      out.line(pub.name + " " + pub.version + (r.unchanged ? " is already" : " published as") + " the newest of " +
               pub.stage + " on " + remote->properties().display + " (publication " + std::to_string(pub.number) + ")");
    });
  });
}

}  // namespace mlops::cli
