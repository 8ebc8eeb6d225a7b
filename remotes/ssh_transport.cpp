// ssh://[user@]host[:port]/<root>: a device reached over SSH. One ssh command
// probes the device (is `mlops` there, how much of the bundle is already
// uploaded), one streams the rest of the bundle into its incoming file, one
// activates it:
//
//   with mlops on the device: `mlops agent activate --root <root> --sha256 <hex>
//     --trust <key>... <incoming file>` — the same DeviceRoot code as every
//     other transport, verifying the signature and every hash again there;
//   without it: the POSIX-shell fallback of ssh_fallback.hpp.
//
// The device trusts the keys of the target's configuration, as a file://
// target does: whoever may log in there could change the files anyway.
#include <cctype>

#include "core/bundle.hpp"
#include "core/delivery_json.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "delivery_transports.hpp"
#include "ssh_command.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

Errc errc_from_exit(int status) {
  for (Errc e : {Errc::failure, Errc::usage, Errc::remote, Errc::integrity, Errc::interrupted})
    if (static_cast<int>(e) == status) return e;
  return Errc::remote;
}

std::string last_line(const std::string& text) {
  std::string t = trim(text);
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

class SshTransport final : public DeliveryTransport {
 public:
  SshTransport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted)
      : ssh_(resolve_ssh_settings(spec, home_dir()), "target '" + spec.name + "'"),
        what_("target '" + spec.name + "'"),
        mlops_(spec.option("mlops_path", "mlops")),
        trusted_(std::move(trusted)) {
    if (ssh_.settings().root.empty())
      throw Error(Errc::usage, what_ + ": the URL " + spec.url.text + " names no device root (ssh://host/<root>)");
  }

  DeliveryReport deliver(const fs::path& bundle, const DeliveryOptions& o, Progress& progress) override {
    BundleHeader header = verify_bundle_locally(bundle, trusted_, progress);
    const std::string& root = ssh_.settings().root;
    std::string part = root + "/" + incoming_name(header.manifest);
    uint64_t size = fs::file_size(bundle);

    // mode LF size-of-part LF
    SshCommandResult probe = ssh_.run(
        "test -d " + shell_quote(root) + " || { echo 'no such directory: " + root + "' >&2; exit 3; }; " +
        "if command -v " + shell_quote(mlops_) + " >/dev/null 2>&1; then echo agent; else echo shell; fi; " +
        "if [ -f " + shell_quote(part) + " ]; then wc -c < " + shell_quote(part) + "; else echo 0; fi");
    if (probe.exit_status != 0)
      throw Error(Errc::usage, what_ + ": the device root " + root + " is not a directory on " + ssh_.settings().host +
                                   " (" + last_line(probe.err) + ")");
    auto lines = split(trim(probe.out), '\n');
    uint64_t have = 0;
    if (lines.size() != 2 || !parse_u64(trim(lines[1]), have))
      throw Error(Errc::remote, what_ + ": unexpected answer to the probe: " + probe.out);
    bool agent = trim(lines[0]) == "agent";

    if (!agent)
      throw Error(Errc::usage, what_ + ": " + mlops_ + " is not installed on the device; install it there or set "
                                   "the target's mlops_path");
    uint64_t from = have > size ? 0 : have;
    upload(bundle, part, from, size, progress);
    DeliveryReport r = activate_with_agent(part, header, hash_file(bundle).hex(), o);
    r.bytes_resumed = from;
    r.bytes_sent = size - from;
    return r;
  }

  ModelStatus rollback(const std::string& name, const DeliveryOptions&) override {
    check_bundle_name(name, "model name");
    json doc = run_agent("rollback --root " + shell_quote(ssh_.settings().root) + " " + shell_quote(name));
    return parse_status(doc);
  }

  std::vector<ModelStatus> status(const std::string& name) override {
    if (!name.empty()) check_bundle_name(name, "model name");
    json doc = run_agent("status --root " + shell_quote(ssh_.settings().root) + (name.empty() ? "" : " " + shell_quote(name)));
    std::vector<ModelStatus> out;
    if (!doc.contains("models") || !doc["models"].is_array())
      throw Error(Errc::remote, what_ + ": malformed status answer");
    for (const auto& m : doc["models"]) out.push_back(parse_status(m));
    return out;
  }

 private:
  // Appends bytes [from, size) of `bundle` to `part` on the device, then
  // checks that it holds `size` bytes. A partial upload (killed, link lost)
  // stays there for the next run to continue.
  void upload(const fs::path& bundle, const std::string& part, uint64_t from, uint64_t size, Progress& progress) {
    std::string dir = part.substr(0, part.rfind('/'));
    std::string cmd = "mkdir -p " + shell_quote(dir) + " && " + (from == 0 ? "cat > " : "cat >> ") +
                      shell_quote(part) + " && wc -c < " + shell_quote(part);
    progress.start("upload " + bundle.filename().string(), size, true);
    progress.advance(from);
    SshUpload up{bundle, from, size - from};
    SshCommandResult r = ssh_.run(cmd, &up, &progress);
    progress.finish();
    uint64_t got = 0;
    if (r.exit_status != 0)
      throw Error(Errc::remote, what_ + ": cannot write " + part + " on the device: " + last_line(r.err));
    if (!parse_u64(trim(r.out), got) || got != size)
      throw Error(Errc::remote, what_ + ": " + part + " holds " + trim(r.out) + " bytes after the upload, not " +
                                    std::to_string(size) + "; run the deploy again");
  }

  DeliveryReport activate_with_agent(const std::string& part, const BundleHeader& h, const std::string& sha256,
                                     const DeliveryOptions& o) {
    std::string args = "activate --root " + shell_quote(ssh_.settings().root) + " --sha256 " + sha256 +
                       " --retain " + std::to_string(o.retain);
    if (!o.activate) args += " --no-activate";
    for (const auto& k : trusted_) args += " --trust " + shell_quote(encode_public_key_line(k));
    if (o.health) {
      args += o.health->cmd.empty() ? " --health-url " + shell_quote(o.health->url)
                                    : " --health-cmd " + shell_quote(o.health->cmd);
      args += " --health-timeout " + std::to_string(o.health->timeout_seconds);
    }
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
};

}  // namespace

std::unique_ptr<DeliveryTransport> ssh_transport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted) {
  return std::make_unique<SshTransport>(spec, std::move(trusted));
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
