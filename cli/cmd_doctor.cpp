// `mlops doctor`: what a bug report needs and what a user checks first.
#include <CLI/Version.hpp>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/library_versions.hpp"
#include "core/link_probe.hpp"
#include "core/setup_warnings.hpp"
#include "remotes/library_versions.hpp"
#include "remotes/remote_factory.hpp"
#include "remotes/remote_probe.hpp"
#include "remotes/url.hpp"
#include "version.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// Opens the remote and runs the probe (remotes/remote_probe.hpp) on it.
void check_remote(const Config& config, const std::string& name, json& entry) {
  ProbeReport report;
  try {
    auto remote = open_remote(remote_spec(config, name));
    report = probe_remote(*remote);
  } catch (const Error& e) {  // e.g. a missing key file or credentials: named, never printed
    report.ok = false;
    report.problem = std::string("open: ") + e.what();
  }
  json steps = json::array();
  for (const auto& s : report.steps) {
    json step{{"step", s.name}, {"ok", s.ok}};
    if (!s.ok) step["problem"] = s.problem;
    steps.push_back(step);
  }
  entry["checked"] = true;
  entry["ok"] = report.ok;
  entry["writable"] = report.writable;
  entry["checks"] = steps;
  if (!report.ok) entry["problem"] = report.problem;
}

json locations(const Config& config, const std::string& section, bool probe) {
  json out = json::array();
  for (const auto& name : config.names_in(section)) {
    std::string url = config.get_string(section + "." + name + ".url");
    json entry{{"name", name}, {"url", url}};
    try {
      entry["scheme"] = parse_remote_url(url).scheme;
      entry["valid"] = true;
    } catch (const Error& e) {
      entry["valid"] = false;
      entry["problem"] = e.what();
    }
    if (probe && entry["valid"].get<bool>()) check_remote(config, name, entry);
    out.push_back(entry);
  }
  return out;
}

std::string remote_status(Output& out, const json& r) {
  if (!r["valid"].get<bool>() || (r.contains("ok") && !r["ok"].get<bool>()))
    return out.paint(Color::red, "FAILED " + r["problem"].get<std::string>());
  if (!r.contains("checked")) return "";
  return out.paint(Color::green, r["writable"].get<bool>() ? "ok (reachable, listed, written, read, deleted)"
                                                           : "ok (reachable, listed; read-only)");
}

void render(Output& out, const json& doc) {
  out.line(out.paint(Color::bold, "mlops " + doc["version"].get<std::string>()));
  for (const auto& [name, version] : doc["libraries"].items()) out.line("  " + name + " " + version.get<std::string>());
  const json& repo = doc["repository"];
  if (repo.is_null()) {
    out.line("repository: none (not inside an mlops repository)");
  } else {
    out.line("repository: " + repo["root"].get<std::string>());
    out.line("cache:      " + repo["cache"].get<std::string>());
    std::string links;
    for (const auto& l : repo["link_types"]) {
      bool works = l["works"].get<bool>();
      links += " " + out.paint(works ? Color::green : Color::red,
                               l["type"].get<std::string>() + (works ? " yes" : " no"));
    }
    out.line("link types:" + links);
    out.line("configured: core.link_type=" + repo["link_type"].get<std::string>());
  }
  for (const char* section : {"remotes", "targets"}) {
    if (doc[section].empty()) {
      out.line(std::string(section) + ": none");
      continue;
    }
    out.line(std::string(section) + ":");
    for (const auto& r : doc[section]) {
      std::string text = "  " + r["name"].get<std::string>() + "  " + r["url"].get<std::string>();
      std::string status = remote_status(out, r);
      out.line(status.empty() ? text : text + "  " + status);
    }
  }
}

}  // namespace

void setup_doctor(CLI::App& cmd, Context& ctx) {
  auto offline = std::make_shared<bool>(false);
  cmd.add_flag("--offline", *offline, "Do not contact the remotes; only check their configuration");
  cmd.footer(
      "Prints the versions of mlops and its libraries, the repository and cache paths, which\n"
      "link types work between the cache and the workspace (probed by trying each), and the\n"
      "configured remotes and targets. Works outside a repository too.\n\n"
      "Each remote is checked over the network: reachable with the configured credentials,\n"
      "listing works, and (unless read-only) a probe object tmp/doctor-<random> can be\n"
      "written, read back and deleted. Any failing remote makes doctor exit 4, naming the\n"
      "remote and the step that failed. --offline skips these checks.\n\n"
      "Example:\n  mlops doctor\n  mlops doctor --offline --json");
  ctx.on_run(&cmd, [&ctx, offline] {
    json libs = json::object();
    for (const auto& [n, v] : core_library_versions()) libs[n] = v;
    for (const auto& [n, v] : remote_library_versions()) libs[n] = v;
    libs["CLI11"] = CLI11_VERSION;
    libs["nlohmann_json"] = std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                            std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                            std::to_string(NLOHMANN_JSON_VERSION_PATCH);
    json doc{{"version", kVersion}, {"libraries", libs}, {"repository", nullptr}};
    const Config& config = ctx.config();
    auto root = Repo::find_root(fs::current_path());
    json warnings = json::array();
    for (const auto& w : exposed_secret_files(root ? ctx.repo().config_files() : ConfigFiles::standard({})))
      warnings.push_back(w);
    if (auto w = root ? root_link_type_warning(config.get_list("core.link_type")) : std::nullopt) warnings.push_back(*w);
    if (root) {
      Repo& repo = ctx.repo();
      json links = json::array();
      for (const auto& l : probe_link_types(repo.cache_dir(), repo.root()))
        links.push_back({{"type", l.type}, {"works", l.works}, {"reason", l.reason}});
      doc["repository"] = {{"root", repo.root().string()},
                           {"cache", repo.cache_dir().string()},
                           {"tmp", repo.tmp_dir().string()},
                           {"link_type", config.get_string("core.link_type")},
                           {"link_types", links}};
    }
    doc["remotes"] = locations(config, "remote", !*offline);
    doc["targets"] = locations(config, "target", false);
    json unknown = json::array();
    for (const auto& u : config.unknown_keys()) unknown.push_back(u);
    doc["unknown_config_keys"] = unknown;
    doc["warnings"] = warnings;
    ctx.out().result(doc, [&] { render(ctx.out(), doc); });
    for (const auto& u : config.unknown_keys()) ctx.out().warn("unknown config key " + u);
    for (const auto& w : warnings) ctx.out().warn(w.get<std::string>());
    for (const auto& r : doc["remotes"]) {
      if (!r.contains("ok") || r["ok"].get<bool>()) continue;
      ctx.out().error("remote '" + r["name"].get<std::string>() + "' failed its check: " + r["problem"].get<std::string>());
      ctx.exit_status = 4;
    }
  });
}

}  // namespace mlops::cli
