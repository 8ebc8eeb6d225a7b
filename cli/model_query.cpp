// `mlops model list|show|history|which`: reading the registry.
#include <memory>

#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/model_artifact.hpp"
#include "core/text.hpp"
#include "model_common.hpp"

namespace mlops::cli {
namespace {

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// Lines of a table whose columns are as wide as their widest cell.
void print_table(Output& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += i + 1 == r.size() ? r[i] : pad(r[i], width[i] + 2);
    out.line(trim(line));
  }
}

json model_json(const Model& m) {
  json stages = json::object(), versions = json::array();
  for (const auto& [stage, v] : m.stages) stages[stage] = v.tag();
  for (const auto& v : m.versions) versions.push_back(v.version.tag());
  const ModelVersion* latest = m.latest();
  return {{"name", m.name}, {"latest", latest ? json(latest->version.tag()) : json(nullptr)}, {"stages", stages},
          {"versions", versions}, {"deprecated", m.deprecated}};
}

// What the pointer file of the version's path says at its commit, when git
// can still read it: a check that the tag's record and the commit agree.
void add_pointer_check(Context& ctx, const ModelVersion& v, json& doc) {
  const ArtifactRecord& r = v.registration.message.record;
  doc["pointer_hash"] = nullptr;
  if (r.path.empty()) return;
  try {
    GitHistory git(ctx.repo().root());
    if (auto out = pointer_at(git, v.registration.commit, r.path)) doc["pointer_hash"] = out->hash.str();
  } catch (const Error& e) {
    ctx.out().warn("cannot read the pointer file of " + r.path + " at " + v.registration.commit.substr(0, 12) + ": " +
                   e.what());
  }
}

void render_show(Output& out, const json& d) {
  auto text = [](const json& j) { return j.is_null() ? std::string("-") : j.get<std::string>(); };
  out.line(out.paint(Color::bold, d["name"].get<std::string>() + " " + d["version"].get<std::string>()) +
           (d["deregistered"].get<bool>() ? out.paint(Color::red, "  (deregistered)") : ""));
  std::vector<std::vector<std::string>> rows{
      {"tag:", d["tag"]},
      {"commit:", d["commit"]},
      {"path:", text(d["path"]) + (d["kind"].is_null() ? "" : " (" + text(d["kind"]) + ", " +
                                                               human_size(d["size"].get<uint64_t>()) + ")")},
      {"hash:", text(d["hash"])}};
  std::string pointer = text(d["pointer_hash"]);
  if (!d["pointer_hash"].is_null() && d["pointer_hash"] != d["hash"]) pointer += out.paint(Color::red, "  (differs from the tag!)");
  rows.push_back({"pointer:", pointer});
  rows.push_back({"run:", text(d["run"])});
  rows.push_back({"stages:", d["stages"].empty() ? "-" : join(d["stages"].get<std::vector<std::string>>(), ", ")});
  rows.push_back({"tagger:", d["author"].get<std::string>() + " <" + d["email"].get<std::string>() + ">"});
  rows.push_back({"time:", d["time"]});
  print_table(out, rows);
  if (!d["message"].get<std::string>().empty()) {
    out.line("");
    for (const auto& l : split(d["message"].get<std::string>(), '\n')) out.line("    " + l);
  }
}

}  // namespace

void setup_model_list(CLI::App& cmd, Context& ctx) {
  cmd.footer("One line per model: its latest version and which version each stage holds.\n\n"
             "Example:\n  mlops model list --json");
  ctx.on_run(&cmd, [&ctx] {
    Registry reg(ctx.repo().root());
    json models = json::array();
    for (const auto& [name, m] : reg.models()) models.push_back(model_json(m));
    ctx.out().result({{"models", models}}, [&] {
      if (models.empty()) {
        ctx.out().note("No models registered. Register one with `mlops model register NAME --path PATH`.");
        return;
      }
      std::vector<std::vector<std::string>> rows{{"NAME", "LATEST", "STAGES"}};
      for (const auto& m : models) {
        std::vector<std::string> stages;
        for (const auto& [stage, v] : m["stages"].items()) stages.push_back(stage + "=" + v.get<std::string>());
        std::string latest = m["latest"].is_null() ? "-" : m["latest"].get<std::string>();
        if (m["deprecated"].get<bool>()) latest += " (deprecated)";
        rows.push_back({m["name"], latest, stages.empty() ? "-" : join(stages, " ")});
      }
      print_table(ctx.out(), rows);
    });
  });
}

void setup_model_show(CLI::App& cmd, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  cmd.add_option("version", *ref, "NAME (the latest version), NAME@VERSION or NAME#STAGE")->required();
  cmd.footer("The tag, commit, artifact path, recorded hash (and the hash the pointer file has at that\n"
             "commit, as a check), run id, stages, tagger, time and message of one version.\n\n"
             "Example:\n  mlops model show churn@1.1.0");
  ctx.on_run(&cmd, [&ctx, ref] {
    Registry reg(ctx.repo().root());
    ModelRef r = parse_model_ref(*ref);
    const ModelVersion& v = resolve_version(reg, r, "");
    json doc = version_json(reg.model(r.name), v);
    add_pointer_check(ctx, v, doc);
    ctx.out().result(doc, [&] { render_show(ctx.out(), doc); });
  });
}

void setup_model_history(CLI::App& cmd, Context& ctx) {
  auto name = std::make_shared<std::string>();
  cmd.add_option("name", *name, "Model name")->required();
  cmd.footer("Every registration, stage assignment and unassignment, deregistration and deprecation,\n"
             "oldest first, with who made it and when: the audit trail of the model.\n\n"
             "Example:\n  mlops model history churn");
  ctx.on_run(&cmd, [&ctx, name] {
    check_registry_name(*name, "model");
    Registry reg(ctx.repo().root());
    const Model& m = reg.model(*name);
    json events = json::array();
    for (const auto& e : m.history) events.push_back(event_json(e));
    ctx.out().result({{"name", m.name}, {"events", events}}, [&] {
      std::vector<std::vector<std::string>> rows{{"TIME", "EVENT", "VERSION", "STAGE", "BY", "TAG"}};
      for (const auto& e : events)
        rows.push_back({e["time"], e["action"], e["version"].is_null() ? "?" : e["version"].get<std::string>(),
                        e["stage"].is_null() ? "-" : e["stage"].get<std::string>(),
                        e["author"].get<std::string>() + " <" + e["email"].get<std::string>() + ">", e["tag"]});
      print_table(ctx.out(), rows);
    });
  });
}

void setup_model_which(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string name, stage;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("name", a->name, "Model name")->required();
  cmd.add_option("-s,--stage", a->stage, "Stage to look up")->required();
  cmd.footer("Prints only the version, for scripts; --json adds the commit, path and hash. Exits 1\n"
             "when no version is in the stage.\n\n"
             "Example:\n  mlops model get churn@$(mlops model which churn --stage prod)");
  ctx.on_run(&cmd, [&ctx, a] {
    check_registry_name(a->name, "model");
    Registry reg(ctx.repo().root());
    const ModelVersion& v = resolve_version(reg, {a->name, std::nullopt, ""}, a->stage);
    const ArtifactRecord& r = v.registration.message.record;
    json doc{{"name", a->name},
             {"stage", a->stage},
             {"version", v.version.tag()},
             {"commit", v.registration.commit},
             {"path", r.path.empty() ? json(nullptr) : json(r.path)},
             {"hash", r.hash ? json(r.hash->str()) : json(nullptr)}};
    ctx.out().result(doc, [&] { ctx.out().line(v.version.tag()); });
  });
}

}  // namespace mlops::cli
