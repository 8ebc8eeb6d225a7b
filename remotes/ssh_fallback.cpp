// ShellFallback: the planning half of delivery to a device without mlops
// (ssh_fallback.hpp); kFallbackScript is the half that runs there.
#include "ssh_fallback.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/utc_time.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

// Stands in the failed-check status for why the check failed, which only
// the device learns; the script puts its words there (no '/', '&' or '"').
constexpr std::string_view kDetailSlot = "@DETAIL@";

// A private local directory for the plain tar and the checksum list,
// removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mlops-fallback.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw_errno("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Drops `versions` from `s` as DeviceRoot's retention does.
void record_removals(ModelStatus& s, const std::vector<std::string>& versions, int retain) {
  for (const auto& v : versions) {
    s.versions.erase(v);
    s.record("remove", v, {}, "retention keeps " + std::to_string(std::max(retain, 1)));
  }
}

std::string status_text(const ModelStatus& s) { return model_status_json(s).dump(2); }

// The `sha256sum -c` list of a manifest's files. GNU sha256sum escapes a
// name with a backslash, BusyBox does not, so such names are refused.
std::string checksum_list(const BundleManifest& m, const std::string& what) {
  std::string out;
  for (const auto& f : m.files) {
    if (f.path.find('\\') != std::string::npos)
      throw Error(Errc::usage, what + ": '" + f.path + "' has a backslash, which the POSIX-shell fallback cannot "
                                      "check; install mlops on the device");
    out += f.sha256.hex() + "  " + f.path + "\n";
  }
  return out;
}

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

struct ShellFallback::DeviceState {
  ModelStatus status;  // current and previous from the links, as DeviceRoot loads it
  std::string fingerprint;
  std::vector<VersionDir> dirs;
  bool exists = true;
};

ShellFallback::ShellFallback(const SshCommand& ssh, std::string what) : ssh_(ssh), what_(std::move(what)) {}

std::string ShellFallback::upload_name(const BundleManifest& m) {
  return ".incoming/" + m.name + "-" + m.version + ".tar.part";
}

SshCommandResult ShellFallback::run(const std::string& action, const std::vector<std::string>& args,
                                    const SshUpload* input) {
  std::string cmd = "sh -c " + shell_quote(kFallbackScript) + " mlops-fallback " + action;
  for (const auto& a : args) cmd += " " + shell_quote(a);
  SshCommandResult r = ssh_.run(cmd, input);
  if (r.exit_status != 0) {
    std::string why = last_line(r.err);
    throw Error(errc_from_exit(r.exit_status),
                what_ + ": " + (why.empty() ? "the shell fallback failed (exit status " +
                                                  std::to_string(r.exit_status) + ")"
                                            : why));
  }
  return r;
}

std::vector<ShellFallback::DeviceState> ShellFallback::read_state(const std::string& name) {
  const std::string& root = ssh_.settings().root;
  std::vector<std::string> args{root};
  if (!name.empty()) args.push_back(name);
  SshCommandResult r = run("state", args);
  std::vector<DeviceState> out;
  std::string json_text;
  bool in_status = false;
  auto bad = [&](const std::string& line) {
    return Error(Errc::remote, what_ + ": unexpected line from the device: " + line);
  };
  for (const auto& line : split(r.out, '\n')) {
    if (in_status && line != "@@end") {
      json_text += line + "\n";
      continue;
    }
    auto sp = line.find(' ');
    std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "@@model") {
      out.emplace_back();
      out.back().status.name = value;
      continue;
    }
    if (key == "@@missing") {
      out.emplace_back();
      out.back().status.name = value;
      out.back().exists = false;
      out.back().fingerprint = "||none";  // what the script sees once it made the directory
      continue;
    }
    if (key.empty() && line.empty()) continue;
    if (out.empty()) throw bad(line);
    DeviceState& d = out.back();
    if (key == "@@fingerprint") {
      d.fingerprint = value;
    } else if (key == "@@current") {
      d.status.current = non_empty(value);
    } else if (key == "@@previous") {
      d.status.previous = non_empty(value);
    } else if (key == "@@dir") {
      d.dirs.push_back({value, -static_cast<int64_t>(d.dirs.size())});  // newest first
    } else if (key == "@@status") {
      in_status = true;
    } else if (key == "@@end") {
      in_status = false;
      if (json_text.empty()) continue;
      std::string file = root + "/" + d.status.name + "/status.json";
      try {
        ModelStatus s = model_status_from_json(json::parse(json_text), d.status.name);
        s.current = d.status.current;
        s.previous = d.status.previous;
        d.status = std::move(s);
      } catch (const std::exception& e) {
        throw Error(Errc::failure, what_ + ": the device status file " + file + " is malformed: " + e.what());
      }
      json_text.clear();
    } else {
      throw bad(line);
    }
  }
  return out;
}

std::vector<ModelStatus> ShellFallback::status(const std::string& name) {
  std::vector<ModelStatus> out;
  for (auto& d : read_state(name)) {
    if (!d.exists) throw Error(Errc::usage, what_ + ": no model '" + name + "' on " + ssh_.settings().root);
    out.push_back(std::move(d.status));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

ModelStatus ShellFallback::rollback(const std::string& name) {
  auto states = read_state(name);
  const std::string& root = ssh_.settings().root;
  if (states.size() != 1 || !states[0].exists) throw Error(Errc::usage, what_ + ": no model '" + name + "' on " + root);
  DeviceState& d = states[0];
  ModelStatus s = d.status;
  if (!s.previous) throw Error(Errc::failure, what_ + ": " + name + " on " + root + " has no previous version to roll back to");
  std::optional<std::string> from = s.current;
  s.current.swap(s.previous);
  s.since = utc_now();
  s.record("rollback", *s.current, from.value_or(""));
  run("rollback", {root, name, d.fingerprint, status_text(s)});
  return s;
}

DeliveryReport ShellFallback::deliver(const fs::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                                      const DeliveryOptions& o, bool allow_downgrade, uint64_t part_size,
                                      bool url_tool, Progress& progress) {
  BundleReader reader(bundle);
  MinisignPublicKey signer = reader.verify_header(trusted);
  const BundleHeader header = reader.read_header();
  reader.read_payload(std::nullopt, progress);
  const BundleManifest& m = header.manifest;
  const std::string& root = ssh_.settings().root;
  const std::optional<HealthCheck>& check = m.health;
  if (o.activate && check && !check->url.empty() && !url_tool)
    throw Error(Errc::usage, what_ + ": the health URL " + check->url + " cannot be checked: the device has neither "
                                     "mlops nor curl nor wget; install one of them there");
  std::string sums = checksum_list(m, what_);

  DeliveryReport r;
  r.name = m.name;
  r.version = m.version;
  r.signer = key_id_hex(signer.key_id);
  DeviceState d = read_state(m.name).at(0);
  const ModelStatus& s = d.status;
  if (o.activate) check_downgrade(s, m, allow_downgrade, what_ + " (" + root + ")");
  const bool downgrade = o.activate && is_downgrade(s, m);
  std::string content = bundle_content_digest(m.files).str();
  bool installed = std::any_of(d.dirs.begin(), d.dirs.end(), [&](const auto& v) { return v.version == m.version; });
  if (installed) {
    auto known = s.versions.find(m.version);
    if (known == s.versions.end() || known->second.content != content)
      throw Error(Errc::failure, what_ + ": version " + m.version + " of " + m.name + " is already on " + root +
                                     " with other content; give the new bundle a new version");
    if (s.current == m.version || !o.activate) {
      r.current = s.current;
      r.previous = s.previous;
      return r;
    }
  }

  // The status after success, and after a failed check.
  ModelStatus ok = s;
  std::vector<VersionDir> dirs = d.dirs;
  if (!installed) {
    ok.versions[m.version] = {content, header.manifest_digest.str(), utc_now(), r.signer, m.created};
    ok.record("install", m.version);
    dirs.insert(dirs.begin(), {m.version, 1});
  }
  ModelStatus failed = ok;
  if (o.activate) {
    ok.previous = s.current;
    ok.current = m.version;
    ok.since = utc_now();
    ok.record("activate", m.version, s.current.value_or(""), downgrade ? std::string(kAllowedDowngradeDetail) : "");
    failed = ok;  // activated, then switched back
    failed.current = s.current;
    failed.previous = s.previous;
    failed.since = s.since;
    failed.record("health-failed", m.version, s.current.value_or(""), std::string(kDetailSlot));
  }
  std::vector<std::string> prune_ok = versions_to_prune(dirs, ok, o.retain);
  std::vector<std::string> prune_failed = o.activate ? versions_to_prune(dirs, failed, o.retain) : prune_ok;
  record_removals(ok, prune_ok, o.retain);
  record_removals(failed, prune_failed, o.retain);

  TempDir tmp;
  std::string upload;
  std::optional<SshUpload> input;
  if (!installed) {
    fs::path tar = tmp.path() / "payload.tar", list = tmp.path() / "sha256sums";
    std::string want = BundleReader(bundle).write_payload_tar(tar).hex();
    write_file_atomic(list, sums, 0600);
    upload = root + "/" + upload_name(m);
    uint64_t size = fs::file_size(tar), from = part_size > size ? 0 : part_size;
    std::string got = ssh_.append_file(tar, upload, from, progress, true);
    if (got != want && from > 0) {  // what was there came from another tar: start over
      from = 0;
      got = ssh_.append_file(tar, upload, 0, progress, true);
    }
    if (got != want)
      throw Error(Errc::remote, what_ + ": " + upload + " on the device has the SHA-256 " + got + ", not " + want +
                                    " (the upload was damaged); run the deploy again");
    r.bytes_resumed = from;
    r.bytes_sent = size - from;
    input = SshUpload{list, 0, sums.size()};
  }

  std::string kind = !o.activate || !check ? "none" : check->cmd.empty() ? "url" : "cmd";
  std::string what = !check ? "" : check->cmd.empty() ? check->url : check->cmd;
  std::string timeout = std::to_string(check ? check->timeout_seconds : 0);
  SshCommandResult res =
      run("deliver",
          {root, m.name, m.version, d.fingerprint, upload, o.activate ? "1" : "0", kind, what, timeout, status_text(ok),
           status_text(failed), join(prune_ok, " "), join(prune_failed, " ")},
          input ? &*input : nullptr);

  std::string outcome, detail;
  auto at = res.out.find("@@output\n");
  for (const auto& line : split(res.out.substr(0, at), '\n')) {
    if (starts_with(line, "@@outcome ")) outcome = line.substr(10);
    if (starts_with(line, "@@detail ")) detail = line.substr(9);
  }
  const ModelStatus* after = &ok;
  if (outcome == "activated") {
    r.outcome = DeliveryOutcome::activated;
  } else if (outcome == "installed") {
    r.outcome = DeliveryOutcome::installed;
  } else if (outcome == "rolled-back") {
    r.outcome = DeliveryOutcome::rolled_back;
    after = &failed;
  } else {
    throw Error(Errc::remote, what_ + ": unexpected answer from the device: " + res.out);
  }
  if (kind != "none") {
    r.health = HealthResult{r.outcome != DeliveryOutcome::rolled_back, detail,
                            at == std::string::npos ? "" : res.out.substr(at + 9)};
  }
  r.current = after->current;
  r.previous = after->previous;
  r.removed = after == &ok ? prune_ok : prune_failed;
  return r;
}

}  // namespace mlops
