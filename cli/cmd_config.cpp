// `mlops config`: read and write the layered configuration (DESIGN §2).
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "core/config_keys.hpp"
#include "core/error.hpp"
#include "core/setup_warnings.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct LevelFlags {
  bool system = false, global = false, repo = false, local = false;
  std::optional<ConfigLevel> chosen() const {
    if (system) return ConfigLevel::system;
    if (global) return ConfigLevel::global;
    if (repo) return ConfigLevel::repo;
    if (local) return ConfigLevel::local;
    return std::nullopt;
  }
};

void add_level_flags(CLI::App& cmd, LevelFlags& f) {
  auto* s = cmd.add_flag("--system", f.system, "Use the system file (/etc/mlops/config.yaml)");
  auto* g = cmd.add_flag("--global", f.global, "Use the per-user file ($XDG_CONFIG_HOME/mlops/config.yaml)");
  auto* r = cmd.add_flag("--repo", f.repo, "Use the repository file (.mlops/config.yaml, committed)");
  auto* l = cmd.add_flag("--local", f.local, "Use the local file (.mlops/config.local.yaml, not committed)");
  s->excludes(g, r, l);
  g->excludes(r, l);
  r->excludes(l);
}

std::string shown(const std::string& key, const std::string& value) {
  const ConfigKey* k = find_config_key(key);
  return k && k->secret && !value.empty() ? "***" : value;
}

const ConfigKey& known_key(const std::string& key) {
  if (const ConfigKey* k = find_config_key(key)) return *k;
  auto s = suggest_config_keys(key);
  throw Error(Errc::usage, "unknown config key '" + key + "'" + (s.empty() ? "" : "; did you mean '" + s[0] + "'?") +
                               " See 'mlops config list'.");
}

ConfigFiles standard_files() {
  auto root = Repo::find_root(fs::current_path());
  return ConfigFiles::standard(root ? *root / ".mlops" : fs::path());
}

ConfigFiles files_for(Context& ctx, ConfigLevel level) {
  if (level == ConfigLevel::repo || level == ConfigLevel::local) return ctx.repo().config_files();
  return standard_files();
}

// Told by every config command, after what it wrote (a secret written
// tightens its file's mode).
void warn_exposed_secrets(Context& ctx) {
  for (const auto& w : exposed_secret_files(standard_files())) ctx.out().warn(w);
}

}  // namespace

void setup_config(CLI::App& cmd, Context& ctx) {
  struct Args {
    LevelFlags level;
    bool unset = false;
    std::string key, value;
    bool show_origin = false;
  };
  auto a = std::make_shared<Args>();
  add_level_flags(cmd, a->level);
  cmd.add_flag("--unset", a->unset, "Remove KEY from the chosen file (default: the repository file)");
  cmd.add_option("key", a->key, "A configuration key such as core.link_type or remote.origin.url");
  cmd.add_option("value", a->value, "The new value; without it the current value is printed");
  cmd.footer(
      "Later layers win: default < system < global < repo < local < MLOPS_* environment < -c.\n"
      "Without a level flag a value is written to the repository file, or to the local file\n"
      "for secrets (passwords, tokens), which are always shown as ***.\n\n"
      "Examples:\n  mlops config core.link_type reflink,hardlink,copy\n"
      "  mlops config --local remote.storage.password s3cr3t\n  mlops config list --show-origin");

  CLI::App* list = cmd.add_subcommand("list", "List configuration values and where they come from");
  add_level_flags(*list, a->level);
  list->add_flag("--show-origin", a->show_origin, "Show the file, line and column (or variable) of each value");

  ctx.on_run(&cmd, [&ctx, a] {
    auto& out = ctx.out();
    if (a->key.empty()) throw Error(Errc::usage, "a key is needed; see 'mlops config --help'");
    const ConfigKey& spec = known_key(a->key);
    auto level = a->level.chosen();
    if (a->unset || !a->value.empty()) {
      ConfigLevel target = level.value_or(spec.secret ? ConfigLevel::local : ConfigLevel::repo);
      fs::path file = files_for(ctx, target).file(target);
      if (a->unset) {
        if (!config_file_unset(file, a->key)) throw Error(Errc::failure, a->key + " is not set in " + file.string());
        out.result({{"key", a->key}, {"unset", true}, {"file", file.string()}},
                   [&] { out.note("unset " + a->key + " in " + file.string()); });
        warn_exposed_secrets(ctx);
        return;
      }
      std::string value = check_config_value(spec, a->key, a->value);
      if (spec.secret && target == ConfigLevel::repo)
        out.warn(a->key + " is a secret and " + file.string() +
                 " is committed to git; prefer --local or the environment");
      config_file_set(file, a->key, value);
      out.result({{"key", a->key}, {"value", shown(a->key, value)}, {"file", file.string()}},
                 [&] { out.note("set " + a->key + " in " + file.string()); });
      warn_exposed_secrets(ctx);
      return;
    }
    Config config = level ? Config::load_layer(files_for(ctx, *level).file(*level), *level) : ctx.config();
    warn_exposed_secrets(ctx);
    auto v = config.get(a->key);
    if (level && config.values().count(a->key) == 0) v.reset();  // a default is not in the file
    if (!v) {
      ctx.exit_status = 1;
      out.result({{"key", a->key}, {"value", nullptr}}, [] {});
      return;
    }
    out.result({{"key", a->key}, {"value", shown(a->key, *v)}}, [&] { out.line(shown(a->key, *v)); });
  });

  ctx.on_run(list, [&ctx, a] {
    auto& out = ctx.out();
    auto level = a->level.chosen();
    Config config = level ? Config::load_layer(files_for(ctx, *level).file(*level), *level) : ctx.config();
    json items = json::array();
    for (const auto& [key, v] : config.values()) {
      items.push_back({{"key", key},
                       {"value", shown(key, v.value)},
                       {"level", std::string(config_level_name(v.level))},
                       {"origin", v.origin},
                       {"known", find_config_key(key) != nullptr}});
    }
    out.result({{"values", items}}, [&] {
      for (const auto& item : items) {
        std::string text = item["key"].get<std::string>() + "=" + item["value"].get<std::string>();
        if (a->show_origin)
          text = out.paint(Color::dim, item["level"].get<std::string>() + "\t" + item["origin"].get<std::string>()) +
                 "\t" + text;
        out.line(text);
      }
    });
    for (const auto& u : config.unknown_keys()) out.warn("unknown config key " + u);
    warn_exposed_secrets(ctx);
  });
}

}  // namespace mlops::cli
