#include "device_install.hpp"

#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "atomic_file.hpp"
#include "bundle.hpp"
#include "error.hpp"
#include "repo_lock.hpp"
#include "semver.hpp"
#include "utc_time.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr std::string_view kPartial = ".partial";

std::optional<std::string> read_link(const fs::path& model, const char* name) {
  std::error_code ec;
  fs::path target = fs::read_symlink(model / name, ec);
  if (ec) return std::nullopt;
  return target.string();
}

// A new symlink renamed over the old one: readers see the old or the new
// target, never no link.
void set_link(const fs::path& model, const char* name, const std::string& target) {
  fs::path tmp = model / ("." + std::string(name) + ".tmp");
  std::error_code ec;
  fs::remove(tmp, ec);
  if (::symlink(target.c_str(), tmp.c_str()) != 0) throw_errno("cannot create the symlink " + tmp.string());
  if (::rename(tmp.c_str(), (model / name).c_str()) != 0) throw_errno("cannot switch " + (model / name).string());
  fsync_dir(model);
}

void set_or_remove_link(const fs::path& model, const char* name, const std::optional<std::string>& target) {
  if (target) {
    set_link(model, name, *target);
    return;
  }
  std::error_code ec;
  fs::remove(model / name, ec);
  fsync_dir(model);
}

bool is_version_dir(const fs::directory_entry& e) {
  std::string n = e.path().filename().string();
  std::error_code ec;
  return !e.is_symlink(ec) && e.is_directory(ec) && !n.empty() && n[0] != '.' &&
         !(n.size() > kPartial.size() && n.compare(n.size() - kPartial.size(), kPartial.size(), kPartial) == 0);
}

// Drops what versions_to_prune() chooses, recording each removal.
std::vector<std::string> prune(const fs::path& model, ModelStatus& s, int retain) {
  std::vector<VersionDir> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(model, ec))
    if (is_version_dir(e))
      dirs.push_back({e.path().filename().string(), e.last_write_time(ec).time_since_epoch().count()});
  std::vector<std::string> removed = versions_to_prune(dirs, s, retain);
  for (const auto& v : removed) {
    fs::remove_all(model / v);
    s.versions.erase(v);
    s.record("remove", v, {}, "retention keeps " + std::to_string(std::max(retain, 1)));
  }
  if (!removed.empty()) fsync_dir(model);
  return removed;
}

fs::path model_dir(const fs::path& root, const std::string& name) {
  check_bundle_name(name, "model name");
  return root / name;
}

ModelStatus load(const fs::path& model, const std::string& name) {
  ModelStatus s = read_model_status(model / "status.json", name);
  s.current = read_link(model, "current");
  s.previous = read_link(model, "previous");
  return s;
}

}  // namespace

bool is_downgrade(const ModelStatus& s, const BundleManifest& m) {
  if (!s.current || *s.current == m.version) return false;
  auto now = SemVer::parse(*s.current), next = SemVer::parse(m.version);
  if (now && next) return next->precedence(*now) < 0;
  auto known = s.versions.find(*s.current);
  if (known == s.versions.end() || known->second.created.empty()) return false;
  return m.created < known->second.created;  // both "YYYY-MM-DDTHH:MM:SSZ": text order is time order
}

void check_downgrade(const ModelStatus& s, const BundleManifest& m, bool allowed, const std::string& where) {
  if (allowed || !is_downgrade(s, m)) return;
  throw Error(Errc::failure, "refusing to activate " + m.name + " " + m.version + " on " + where +
                                 ": it is older than the current version " + *s.current +
                                 ", and this device does not allow downgrades (roll back to the previous version "
                                 "with `mlops deploy rollback`, or allow downgrades in the device's policy)");
}

std::vector<std::string> versions_to_prune(const std::vector<VersionDir>& dirs, const ModelStatus& s, int retain) {
  struct Candidate {
    std::string version, installed;
    int64_t rank;
  };
  std::vector<Candidate> others;
  size_t kept = 0;
  for (const auto& d : dirs) {
    if (d.version == s.current || d.version == s.previous) {
      ++kept;
      continue;
    }
    auto it = s.versions.find(d.version);
    others.push_back({d.version, it == s.versions.end() ? "" : it->second.installed, d.rank});
  }
  std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) {
    return a.installed != b.installed ? a.installed > b.installed : a.rank > b.rank;
  });
  std::vector<std::string> removed;
  size_t keep = static_cast<size_t>(std::max(retain, 1));
  for (const auto& c : others) {
    if (kept < keep) ++kept;
    else removed.push_back(c.version);
  }
  return removed;
}

std::string_view outcome_name(DeliveryOutcome o) {
  switch (o) {
    case DeliveryOutcome::activated:
      return "activated";
    case DeliveryOutcome::installed:
      return "installed";
    case DeliveryOutcome::unchanged:
      return "unchanged";
    case DeliveryOutcome::rolled_back:
      return "rolled-back";
  }
  return "?";
}

DeviceRoot::DeviceRoot(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) throw Error(Errc::usage, "device root " + root_.string() + " is not a directory");
}

DeliveryReport DeviceRoot::deliver(const fs::path& bundle, const std::vector<MinisignPublicKey>& trusted,
                                   const DeliveryOptions& o, const DevicePolicy& policy, Progress& progress) {
  BundleReader reader(bundle);
  MinisignPublicKey signer = reader.verify_header(trusted);
  const BundleHeader& header = reader.read_header();
  const BundleManifest& m = header.manifest;
  DeliveryReport r;
  r.name = m.name;
  r.version = m.version;
  r.signer = key_id_hex(signer.key_id);

  fs::path model = model_dir(root_, m.name);
  fs::create_directories(model);
  RepoLock lock(model / ".lock", o.lock_timeout, "model " + m.name + " on " + root_.string());
  ModelStatus s = load(model, m.name);
  if (o.activate) check_downgrade(s, m, policy.allow_downgrade, root_.string());
  const bool downgrade = o.activate && is_downgrade(s, m);
  const std::optional<std::string> old_current = s.current, old_previous = s.previous;
  const std::string old_since = s.since;
  fs::path dir = model / m.version;
  std::string content = bundle_content_digest(m.files).str();

  std::error_code ec;
  if (fs::exists(dir, ec)) {
    auto known = s.versions.find(m.version);
    if (known == s.versions.end() || known->second.content != content)
      throw Error(Errc::failure, "version " + m.version + " of " + m.name + " is already on " + root_.string() +
                                     " with other content; give the new bundle a new version");
    reader.read_payload(std::nullopt, progress);  // same rule for every delivery: the whole bundle verifies
    if (s.current == m.version || !o.activate) {
      r.current = s.current;
      r.previous = s.previous;
      return r;
    }
  } else {
    fs::path partial = model / (m.version + std::string(kPartial));
    fs::remove_all(partial);  // left by a crash; we hold the lock
    reader.read_payload(partial, progress);
    if (::rename(partial.c_str(), dir.c_str()) != 0) throw_errno("cannot rename " + partial.string());
    fsync_dir(model);
    s.versions[m.version] = {content, header.manifest_digest.str(), utc_now(), r.signer, m.created};
    s.record("install", m.version);
    r.outcome = DeliveryOutcome::installed;
  }

  if (o.activate) {
    if (old_current) set_link(model, "previous", *old_current);
    set_link(model, "current", m.version);
    s.previous = old_current;
    s.current = m.version;
    s.since = utc_now();
    s.record("activate", m.version, old_current.value_or(""), downgrade ? std::string(kAllowedDowngradeDetail) : "");
    r.outcome = DeliveryOutcome::activated;
    write_model_status(model / "status.json", s);

    std::optional<HealthCheck> check = policy.health ? policy.health : m.health;
    if (check) {
      r.health = policy.health_runner(*check, dir,
                                 {{"MLOPS_MODEL_NAME", m.name},
                                  {"MLOPS_MODEL_VERSION", m.version},
                                  {"MLOPS_MODEL_DIR", fs::absolute(dir).string()}});
      if (!r.health->ok) {
        set_or_remove_link(model, "current", old_current);
        set_or_remove_link(model, "previous", old_previous);
        s.current = old_current;
        s.previous = old_previous;
        s.since = old_since;
        s.record("health-failed", m.version, old_current.value_or(""), r.health->detail);
        r.outcome = DeliveryOutcome::rolled_back;
      }
    }
  }
  r.removed = prune(model, s, o.retain);
  write_model_status(model / "status.json", s);
  r.current = s.current;
  r.previous = s.previous;
  return r;
}

ModelStatus DeviceRoot::rollback(const std::string& name, std::chrono::milliseconds lock_timeout) {
  fs::path model = model_dir(root_, name);
  std::error_code ec;
  if (!fs::is_directory(model, ec)) throw Error(Errc::usage, "no model '" + name + "' on " + root_.string());
  RepoLock lock(model / ".lock", lock_timeout, "model " + name + " on " + root_.string());
  ModelStatus s = load(model, name);
  if (!s.previous)
    throw Error(Errc::failure, name + " on " + root_.string() + " has no previous version to roll back to");
  if (!fs::is_directory(model / *s.previous, ec))
    throw Error(Errc::failure,
                "the previous version " + *s.previous + " of " + name + " is missing from " + model.string());
  std::optional<std::string> from = s.current;
  set_link(model, "current", *s.previous);
  set_or_remove_link(model, "previous", from);
  s.current.swap(s.previous);
  s.since = utc_now();
  s.record("rollback", *s.current, from.value_or(""));
  write_model_status(model / "status.json", s);
  return s;
}

std::vector<ModelStatus> DeviceRoot::status(const std::string& name) const {
  std::vector<ModelStatus> out;
  std::error_code ec;
  if (!name.empty()) {
    fs::path model = model_dir(root_, name);
    if (!fs::is_directory(model, ec)) throw Error(Errc::usage, "no model '" + name + "' on " + root_.string());
    out.push_back(load(model, name));
    return out;
  }
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    std::string n = e.path().filename().string();
    if (!e.is_directory(ec) || n.empty() || n[0] == '.') continue;
    if (!fs::exists(e.path() / "status.json", ec) && !fs::is_symlink(e.path() / "current", ec)) continue;
    out.push_back(load(e.path(), n));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace mlops
