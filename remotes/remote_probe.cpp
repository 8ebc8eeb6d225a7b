#include "remote_probe.hpp"

#include <functional>

#include "random_name.hpp"

namespace mlops {
namespace {

constexpr std::string_view kProbeBody = "mlops doctor probe: safe to delete\n";

std::string why(const Failure& f) {
  switch (f.kind) {
    case FailureKind::auth: return "access denied: " + f.message;
    case FailureKind::transient: return "unreachable or failing: " + f.message;
    default: return f.message;
  }
}

}  // namespace

ProbeReport probe_remote(Remote& remote) {
  ProbeReport report;
  // Runs a step unless an earlier one failed (`always`: the cleanup).
  auto step = [&](const char* name, bool always, const std::function<std::string()>& fn) {
    if (!report.ok && !always) return false;
    std::string problem = fn();
    report.steps.push_back({name, problem.empty(), problem});
    if (problem.empty()) return true;
    if (report.ok) report.problem = std::string(name) + ": " + problem;
    report.ok = false;
    return false;
  };
  step("list", false, [&] {
    auto r = remote.list("packs/");
    return r.ok() ? std::string() : why(r.failure());
  });
  report.writable = remote.properties().writable;
  if (!report.writable) return report;
  const std::string key = "tmp/doctor-" + random_hex16();
  bool written = step("write", false, [&] {
    Status s = remote.put_bytes(key, kProbeBody);
    return s.ok() ? std::string() : why(s.failure());
  });
  step("read", false, [&] {
    auto r = remote.get_bytes(key);
    if (!r.ok()) return why(r.failure());
    return r.value() == kProbeBody ? std::string() : "the probe " + key + " read back different bytes";
  });
  if (!written) return report;
  step("delete", true, [&] {
    Status s = remote.remove(key);
    return s.ok() ? std::string() : why(s.failure()) + " (the probe " + key + " is left behind)";
  });
  return report;
}

}  // namespace mlops
