// ssh://[user@]host[:port]/<root>: a device reached over SSH. One ssh command
// probes the device (is `mlops` there, how much of the bundle is already
// uploaded), one streams the rest of the bundle into its incoming file, one
// activates it:
//
//   with mlops on the device: `mlops agent activate --root <root> --sha256 <hex>
//     --trust <key>... <incoming file>` — the same DeviceRoot code as every
//     other transport, verifying the signature and every hash again there;
//   without it: the POSIX-shell fallback of ssh_fallback.hpp (so are
//   `deploy status` and `deploy rollback`).
//
// The device trusts the keys of the target's configuration, and follows its
// allow_downgrade policy, as a file:// target does: whoever may log in there
// could change the files anyway. The health check is the bundle's signed one
// on both paths: none is passed on the command line.
#include <cctype>

#include "core/bundle.hpp"
#include "core/delivery_json.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "delivery_transports.hpp"
#include "ssh_command.hpp"
#include "ssh_fallback.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

class SshTransport final : public DeliveryTransport {
 public:
  SshTransport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted, bool allow_downgrade)
      : ssh_(resolve_ssh_settings(spec, home_dir()), "target '" + spec.name + "'"),
        what_("target '" + spec.name + "'"),
        mlops_(spec.option("mlops_path", "mlops")),
        trusted_(std::move(trusted)),
        allow_downgrade_(allow_downgrade),
        fallback_(ssh_, what_) {
    if (ssh_.settings().root.empty())
      throw Error(Errc::usage, what_ + ": the URL " + spec.url.text + " names no device root (ssh://host/<root>)");
  }

  DeliveryReport deliver(const fs::path& bundle, const DeliveryOptions& o, Progress& progress) override {
    BundleManifest m = BundleReader(bundle).read_header().manifest;
    const std::string& root = ssh_.settings().root;
    Probe p = probe({root + "/" + incoming_name(m), root + "/" + ShellFallback::upload_name(m)});
    if (!p.agent)
      return fallback_.deliver(bundle, trusted_, o, allow_downgrade_, p.part_sizes[1], p.url_tool, progress);

    BundleHeader header = verify_bundle_locally(bundle, trusted_, progress);
    std::string part = root + "/" + incoming_name(header.manifest);
    uint64_t size = fs::file_size(bundle), from = p.part_sizes[0] > size ? 0 : p.part_sizes[0];
    ssh_.append_file(bundle, part, from, progress);
    DeliveryReport r = activate_with_agent(part, header, hash_file(bundle).hex(), o);
    r.bytes_resumed = from;
    r.bytes_sent = size - from;
    return r;
  }

  ModelStatus rollback(const std::string& name, const DeliveryOptions&) override {
    check_bundle_name(name, "model name");
    if (!probe({}).agent) return fallback_.rollback(name);
    json doc = run_agent("rollback --root " + shell_quote(ssh_.settings().root) + " " + shell_quote(name));
    return parse_status(doc);
  }

  std::vector<ModelStatus> status(const std::string& name) override {
    if (!name.empty()) check_bundle_name(name, "model name");
    if (!probe({}).agent) return fallback_.status(name);
    json doc = run_agent("status --root " + shell_quote(ssh_.settings().root) + (name.empty() ? "" : " " + shell_quote(name)));
    std::vector<ModelStatus> out;
    if (!doc.contains("models") || !doc["models"].is_array())
      throw Error(Errc::remote, what_ + ": malformed status answer");
    for (const auto& m : doc["models"]) out.push_back(parse_status(m));
    return out;
  }

 private:
  struct Probe {
    bool agent = false;
    bool url_tool = false;  // curl or wget, for a health URL checked without mlops
    std::vector<uint64_t> part_sizes;
  };

  // One round trip: is the root there, is mlops, is curl or wget, and how
  // much of each of `parts` an earlier upload left.
  Probe probe(const std::vector<std::string>& parts) {
    const std::string& root = ssh_.settings().root;
    // agent|shell LF curl|wget|none LF then the size of each part, one a line
    std::string cmd = "test -d " + shell_quote(root) + " || { echo 'no such directory: " + root + "' >&2; exit 3; }; " +
                      "if command -v " + shell_quote(mlops_) + " >/dev/null 2>&1; then echo agent; else echo shell; fi; " +
                      "if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; "
                      "then echo wget; else echo none; fi";
    for (const auto& part : parts)
      cmd += "; if [ -f " + shell_quote(part) + " ]; then wc -c < " + shell_quote(part) + "; else echo 0; fi";
    SshCommandResult r = ssh_.run(cmd);
    if (r.exit_status != 0)
      throw Error(Errc::usage, what_ + ": the device root " + root + " is not a directory on " + ssh_.settings().host +
                                   " (" + last_line(r.err) + ")");
    auto lines = split(trim(r.out), '\n');
    if (lines.size() != 2 + parts.size()) throw Error(Errc::remote, what_ + ": unexpected answer to the probe: " + r.out);
    Probe p;
    p.agent = trim(lines[0]) == "agent";
    p.url_tool = trim(lines[1]) != "none";
    for (size_t i = 2; i < lines.size(); ++i) {
      uint64_t have = 0;
      if (!parse_u64(trim(lines[i]), have)) throw Error(Errc::remote, what_ + ": unexpected answer to the probe: " + r.out);
      p.part_sizes.push_back(have);
    }
    return p;
  }

  DeliveryReport activate_with_agent(const std::string& part, const BundleHeader& h, const std::string& sha256,
                                     const DeliveryOptions& o) {
    std::string args = "activate --root " + shell_quote(ssh_.settings().root) + " --sha256 " + sha256 +
                       " --retain " + std::to_string(o.retain);
    if (!o.activate) args += " --no-activate";
    if (allow_downgrade_) args += " --allow-downgrade";
    for (const auto& k : trusted_) args += " --trust " + shell_quote(encode_public_key_line(k));
    args += " -- " + shell_quote(part);
    json doc = run_agent(args, "; rc=$?; rm -f " + shell_quote(part) + "; exit $rc");
    DeliveryReport r = delivery_report_from_json(doc, what_);
    if (r.name != h.manifest.name || r.version != h.manifest.version)
      throw Error(Errc::remote, what_ + ": the device reported on " + r.name + " " + r.version + ", not the bundle sent");
    return r;
  }

  // `mlops --json agent <args>` on the device: its JSON document, or its
  // error as an Error with the same exit code.
  json run_agent(const std::string& args, const std::string& after = "") {
    SshCommandResult r = ssh_.run(shell_quote(mlops_) + " --json agent " + args + after);
    json doc = json::parse(r.out, nullptr, false);
    if (r.exit_status == 127 && doc.is_discarded())
      throw Error(Errc::usage, what_ + ": " + mlops_ + " is not installed on the device (" + last_line(r.err) +
                                   "); install it or set the target's mlops_path");
    if (doc.is_object() && doc.contains("error")) {
      const json& e = doc["error"];
      throw Error(errc_from_exit(e.value("code", r.exit_status)), what_ + ": " + e.value("message", "failed"));
    }
    if (doc.is_discarded() || (r.exit_status != 0 && r.exit_status != 1))
      throw Error(errc_from_exit(r.exit_status), what_ + ": mlops agent on the device failed (exit status " +
                                                     std::to_string(r.exit_status) + "): " + last_line(r.err));
    return doc;
  }

  ModelStatus parse_status(const json& doc) {
    try {
      return model_status_from_json(doc);
    } catch (const std::exception& e) {
      throw Error(Errc::remote, what_ + ": malformed model status from the device: " + e.what());
    }
  }

  SshCommand ssh_;
  std::string what_;
  std::string mlops_;
  std::vector<MinisignPublicKey> trusted_;
  bool allow_downgrade_;
  ShellFallback fallback_;
};

}  // namespace

std::unique_ptr<DeliveryTransport> ssh_transport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted,
                                                 bool allow_downgrade) {
  return std::make_unique<SshTransport>(spec, std::move(trusted), allow_downgrade);
}

std::string incoming_name(const BundleManifest& m) {
  return ".incoming/" + m.name + "-" + m.version + std::string(kBundleExtension) + ".part";
}

BundleHeader verify_bundle_locally(const fs::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                                   Progress& progress) {
  BundleReader reader(bundle);
  reader.verify_header(trusted);
  BundleHeader header = reader.read_header();
  reader.read_payload(std::nullopt, progress);
  return header;
}

}  // namespace mlops
