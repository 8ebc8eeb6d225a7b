// `mlops remote add|list|modify|remove|default`: remotes live in the config
// files as remote.<name>.* keys; secrets go to the local file.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "remotes/url.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

bool remote_exists(const Config& c, const std::string& name) {
  auto names = c.names_in("remote");
  return std::find(names.begin(), names.end(), name) != names.end();
}

void check_name(const std::string& name) {
  bool ok = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                                 std::string::npos;
  if (!ok) throw Error(Errc::usage, "invalid remote name '" + name + "': use letters, digits, '-' and '_'");
}

std::string masked(const std::string& key, const std::string& value) {
  const ConfigKey* k = find_config_key(key);
  return k && k->secret ? "***" : value;
}

}  // namespace

void setup_remote(CLI::App& cmd, Context& ctx) {
  cmd.footer(
      "URLs: a path or file:///path, ssh://[user@]host[:port]/path, s3://bucket/prefix (with\n"
      "endpointurl for S3-compatible servers), https://host/path (WebDAV). Settings per remote\n"
      "use DVC's names (url, jobs, endpointurl, region, profile, user, port, keyfile, password...);\n"
      "secrets are written to .mlops/config.local.yaml and never printed.\n\n"
      "Example:\n  mlops remote add -d storage s3://bucket/project\n"
      "  mlops remote modify storage endpointurl http://127.0.0.1:9000");
  cmd.require_subcommand(1);

  struct AddArgs {
    std::string name, url;
    bool make_default = false, local = false, force = false;
  };
  auto add_args = std::make_shared<AddArgs>();
  CLI::App* add = cmd.add_subcommand("add", "Add a remote");
  add->add_option("name", add_args->name, "Name of the remote")->required();
  add->add_option("url", add_args->url, "Where it is")->required();
  add->add_flag("-d,--default", add_args->make_default, "Make it the default remote (core.remote)");
  add->add_flag("--local", add_args->local, "Write to .mlops/config.local.yaml instead of the committed file");
  add->add_flag("-f,--force", add_args->force, "Replace a remote of the same name");
  ctx.on_run(add, [&ctx, add_args] {
    auto& a = *add_args;
    check_name(a.name);
    parse_remote_url(a.url);
    Repo& repo = ctx.repo();
    if (remote_exists(repo.config(), a.name) && !a.force)
      throw Error(Errc::usage, "remote '" + a.name + "' exists; use `mlops remote modify` or --force");
    fs::path file = a.local ? repo.config_files().local : repo.config_files().repo;
    config_file_set(file, "remote." + a.name + ".url", a.url);
    if (a.make_default) config_file_set(repo.config_files().repo, "core.remote", a.name);
    ctx.out().result({{"name", a.name}, {"url", a.url}, {"default", a.make_default}},
                     [&] { ctx.out().note("added remote " + a.name + (a.make_default ? " (default)" : "")); });
  });

  CLI::App* list = cmd.add_subcommand("list", "List remotes (secrets masked)");
  ctx.on_run(list, [&ctx] {
    const Config& c = ctx.repo().config();
    std::string def = c.get_string("core.remote");
    json items = json::array();
    for (const auto& name : c.names_in("remote")) {
      json settings = json::object();
      std::string prefix = "remote." + name + ".";
      for (const auto& [key, v] : c.values())
        if (key.rfind(prefix, 0) == 0 && key != prefix + "url") settings[key.substr(prefix.size())] = masked(key, v.value);
      items.push_back({{"name", name}, {"url", c.get_string(prefix + "url")}, {"default", name == def},
                       {"settings", settings}});
    }
    ctx.out().result({{"remotes", items}}, [&] {
      for (const auto& r : items) {
        std::string line = r["name"].get<std::string>() + "\t" + r["url"].get<std::string>();
        if (r["default"].get<bool>()) line += "\t(default)";
        ctx.out().line(line);
        if (ctx.out().verbosity() > 0)
          for (const auto& [k, v] : r["settings"].items()) ctx.out().line("    " + k + " = " + v.get<std::string>());
      }
    });
  });

  struct ModifyArgs {
    std::string name, key, value;
    bool local = false, unset = false;
  };
  auto mod = std::make_shared<ModifyArgs>();
  CLI::App* modify = cmd.add_subcommand("modify", "Set or unset a setting of a remote");
  modify->add_option("name", mod->name, "Name of the remote")->required();
  modify->add_option("key", mod->key, "Setting, e.g. endpointurl, user, password, jobs")->required();
  modify->add_option("value", mod->value, "New value");
  modify->add_flag("--local", mod->local, "Write to .mlops/config.local.yaml (default for secrets)");
  modify->add_flag("--unset", mod->unset, "Remove the setting");
  ctx.on_run(modify, [&ctx, mod] {
    auto& m = *mod;
    Repo& repo = ctx.repo();
    if (!remote_exists(repo.config(), m.name)) throw Error(Errc::usage, "no remote named '" + m.name + "'");
    std::string key = "remote." + m.name + "." + m.key;
    const ConfigKey* spec = find_config_key(key);
    if (!spec) throw Error(Errc::usage, "unknown remote setting '" + m.key + "'; see `mlops config list` and the manual");
    bool local = m.local || spec->secret;
    fs::path file = local ? repo.config_files().local : repo.config_files().repo;
    if (m.unset) {
      if (!config_file_unset(file, key)) throw Error(Errc::failure, key + " is not set in " + file.string());
    } else {
      if (m.value.empty()) throw Error(Errc::usage, "a value is needed (or --unset)");
      if (m.key == "url") parse_remote_url(m.value);
      config_file_set(file, key, check_config_value(*spec, key, m.value));
    }
    ctx.out().result({{"name", m.name}, {"key", m.key}, {"file", file.string()}, {"unset", m.unset}},
                     [&] { ctx.out().note((m.unset ? "unset " : "set ") + key + " in " + file.string()); });
  });

  auto rm_name = std::make_shared<std::string>();
  CLI::App* remove = cmd.add_subcommand("remove", "Remove a remote and its settings");
  remove->add_option("name", *rm_name, "Name of the remote")->required();
  ctx.on_run(remove, [&ctx, rm_name] {
    Repo& repo = ctx.repo();
    if (!remote_exists(repo.config(), *rm_name)) throw Error(Errc::usage, "no remote named '" + *rm_name + "'");
    auto files = repo.config_files();
    config_file_remove_section(files.repo, "remote." + *rm_name);
    config_file_remove_section(files.local, "remote." + *rm_name);
    if (repo.config().get_string("core.remote") == *rm_name) config_file_unset(files.repo, "core.remote");
    ctx.out().result({{"removed", *rm_name}}, [&] { ctx.out().note("removed remote " + *rm_name); });
  });

  auto def_name = std::make_shared<std::string>();
  CLI::App* def = cmd.add_subcommand("default", "Show or set the default remote");
  def->add_option("name", *def_name, "Name of the remote to make the default");
  ctx.on_run(def, [&ctx, def_name] {
    Repo& repo = ctx.repo();
    if (def_name->empty()) {
      std::string cur = repo.config().get_string("core.remote");
      if (cur.empty()) ctx.exit_status = 1;
      ctx.out().result({{"default", cur.empty() ? json(nullptr) : json(cur)}}, [&] {
        if (!cur.empty()) ctx.out().line(cur);
      });
      return;
    }
    if (!remote_exists(repo.config(), *def_name)) throw Error(Errc::usage, "no remote named '" + *def_name + "'");
    config_file_set(repo.config_files().repo, "core.remote", *def_name);
    ctx.out().result({{"default", *def_name}}, [&] { ctx.out().note("default remote: " + *def_name); });
  });
}

}  // namespace mlops::cli
