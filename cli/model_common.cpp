#include "model_common.hpp"

#include "core/error.hpp"
#include "core/utc_time.hpp"

namespace mlops::cli {

SemVer parse_version_arg(const std::string& text) {
  auto v = SemVer::parse(text);
  if (!v)
    throw Error(Errc::usage, "'" + text + "' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0 or 1.2.0-rc.1)");
  return *v;
}

ModelRef parse_model_ref(const std::string& text) {
  ModelRef ref;
  auto sep = text.find_first_of("@#");
  ref.name = text.substr(0, sep);
  check_registry_name(ref.name, "model");
  if (sep == std::string::npos) return ref;
  std::string rest = text.substr(sep + 1);
  if (text[sep] == '#') {
    check_registry_name(rest, "stage");
    ref.stage = rest;
  } else if (rest != "latest") {
    ref.version = parse_version_arg(rest);
  }
  return ref;
}

const ModelVersion& resolve_version(const Registry& reg, const ModelRef& ref, const std::string& stage_opt) {
  const Model& m = reg.model(ref.name);
  if (ref.version) return reg.version(ref.name, *ref.version);
  std::string stage = stage_opt.empty() ? ref.stage : stage_opt;
  if (!stage.empty()) {
    check_registry_name(stage, "stage");
    if (const ModelVersion* v = m.in_stage(stage)) return *v;
    throw Error(Errc::failure, "no version of '" + ref.name + "' is in stage " + stage +
                                   (m.deprecated ? " (the model is deprecated)" : ""));
  }
  if (const ModelVersion* v = m.latest()) return *v;
  throw Error(Errc::failure, "model '" + ref.name + "' has no registered version left (all are deregistered)");
}

json event_json(const RegistryEvent& e) {
  json j{{"tag", e.tag},
         {"action", std::string(action_name(e.name.action))},
         {"model", e.name.model},
         {"version", e.version ? json(e.version->tag()) : json(nullptr)},
         {"stage", e.name.stage.empty() ? json(nullptr) : json(e.name.stage)},
         {"number", e.name.number},
         {"commit", e.commit},
         {"author", e.tagger},
         {"email", e.email},
         {"time", iso8601(e.time, e.offset_minutes)},
         {"message", e.message.text}};
  return j;
}

json version_json(const Model& m, const ModelVersion& v) {
  const RegistryEvent& r = v.registration;
  const ArtifactRecord& a = r.message.record;
  return {{"name", m.name},
          {"version", v.version.tag()},
          {"tag", r.tag},
          {"commit", r.commit},
          {"path", a.path.empty() ? json(nullptr) : json(a.path)},
          {"hash", a.hash ? json(a.hash->str()) : json(nullptr)},
          {"kind", a.kind.empty() ? json(nullptr) : json(a.kind)},
          {"size", a.size},
          {"run", a.run.empty() ? json(nullptr) : json(a.run)},
          {"stages", v.stages},
          {"deregistered", v.deregistered},
          {"author", r.tagger},
          {"email", r.email},
          {"time", iso8601(r.time, r.offset_minutes)},
          {"message", r.message.text}};
}

std::string version_label(const std::string& model, const SemVer& v) { return model + " " + v.tag(); }

void note_push(Context& ctx, const RegistryEvent& e) {
  // Quoted: an interactive shell would expand "!#" (history) in the pasted line.
  std::string tag = e.tag.find_first_of("#!") == std::string::npos ? e.tag : "'" + e.tag + "'";
  ctx.out().note("To share it (and trigger CI), push the tag:\n  git push origin " + tag);
}

}  // namespace mlops::cli
