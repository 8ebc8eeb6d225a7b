#include "registry.hpp"

#include <cstdlib>
#include <vector>

#include "error.hpp"
#include "git_handles.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

using namespace git;

constexpr std::string_view kTagsPrefix = "refs/tags/";
constexpr int kRenumberAttempts = 100;

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The event a tag stands for; nullopt for tags that are not registry tags or
// do not point (through annotated tags) at a commit.
std::optional<RegistryEvent> read_event(git_repository* repo, const std::string& tag_name, const git_oid& oid) {
  auto name = parse_registry_tag(tag_name);
  if (!name) return std::nullopt;
  RegistryEvent e;
  e.tag = tag_name;
  e.name = std::move(*name);
  git_object* obj = nullptr;
  if (git_object_lookup(&obj, repo, &oid, GIT_OBJECT_ANY) != 0) return std::nullopt;
  ObjectPtr owned(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return std::nullopt;
  ObjectPtr commit(peeled);
  e.commit = hex_of(*git_object_id(peeled));
  const git_signature* who = nullptr;
  if (git_object_type(obj) == GIT_OBJECT_TAG) {
    auto* tag = reinterpret_cast<git_tag*>(obj);
    who = git_tag_tagger(tag);
    if (const char* msg = git_tag_message(tag)) e.message = parse_registry_message(msg);
  }
  if (!who) who = git_commit_committer(reinterpret_cast<git_commit*>(peeled));  // a lightweight tag
  if (who) {
    e.tagger = who->name ? who->name : "";
    e.email = who->email ? who->email : "";
    e.time = who->when.time;
    e.offset_minutes = who->when.offset;
  }
  return e;
}

}  // namespace

struct Registry::Impl {
  RepoPtr repo;

  SignaturePtr tagger() const {
    git_signature* sig = nullptr;
    std::string name = env_or_empty("GIT_COMMITTER_NAME"), email = env_or_empty("GIT_COMMITTER_EMAIL");
    if (!name.empty() && !email.empty()) {
      if (git_signature_now(&sig, name.c_str(), email.c_str()) != 0)
        throw Error(Errc::usage, "invalid GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL: " + last_error());
    } else if (git_signature_default(&sig, repo.get()) != 0) {
      throw Error(Errc::usage,
                  "registry tags need a tagger: set it with `git config user.name NAME` and "
                  "`git config user.email EMAIL`");
    }
    return SignaturePtr(sig);
  }

  std::vector<RegistryEvent> events() const {
    struct Collect {
      git_repository* repo;
      std::vector<RegistryEvent> events;
    } found{repo.get(), {}};
    auto each = [](const char* ref, git_oid* oid, void* payload) -> int {
      auto* into = static_cast<Collect*>(payload);
      std::string_view name(ref);
      if (!starts_with(name, kTagsPrefix)) return 0;
      if (auto e = read_event(into->repo, std::string(name.substr(kTagsPrefix.size())), *oid))
        into->events.push_back(std::move(*e));
      return 0;
    };
    int rc = git_tag_foreach(repo.get(), each, &found);
    if (rc != 0 && rc != GIT_ENOTFOUND) throw Error(Errc::failure, "cannot list git tags: " + last_error());
    return std::move(found.events);
  }
};

Registry::Registry(const fs::path& mlops_root) : impl_(std::make_unique<Impl>()) {
  ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, mlops_root.c_str(), 0, nullptr) != 0)
    throw Error(Errc::usage, mlops_root.string() + " is not inside a git repository; the model registry lives in git tags");
  impl_->repo.reset(r);
  reload();
}

Registry::~Registry() = default;

void Registry::reload() { models_ = build_registry(impl_->events()); }

const Model& Registry::model(const std::string& name) const {
  auto it = models_.find(name);
  if (it != models_.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, m] : models_) names.push_back(n);
  std::string msg = "no model named '" + name + "' in the registry";
  auto close = suggest(name, names);
  if (!close.empty()) msg += "; did you mean '" + close.front() + "'?";
  else if (names.empty()) msg += " (no model is registered yet; see `mlops model register`)";
  throw Error(Errc::usage, msg);
}

const ModelVersion& Registry::version(const std::string& name, const SemVer& v) const {
  const Model& m = model(name);
  if (const ModelVersion* mv = m.find(v)) return *mv;
  std::string msg = "model '" + name + "' has no version " + v.tag();
  if (const ModelVersion* latest = m.latest()) msg += " (latest: " + latest->version.tag() + ")";
  throw Error(Errc::usage, msg);
}

const Model& Registry::live_model(const std::string& name) const {
  const Model& m = model(name);
  if (m.deprecated)
    throw Error(Errc::failure, "model '" + name + "' is deprecated; delete its " + name +
                                   "@deprecated#N tag(s) to use it again");
  return m;
}

RegistryEvent Registry::create(RegistryTagName tag, const std::string& commit, const std::string& message) {
  git_oid target_id;
  if (git_oid_fromstr(&target_id, commit.c_str()) != 0) throw Error(Errc::usage, "'" + commit + "' is not a commit id");
  git_object* t = nullptr;
  if (git_object_lookup(&t, impl_->repo.get(), &target_id, GIT_OBJECT_COMMIT) != 0)
    throw Error(Errc::failure, "cannot read commit " + commit + ": " + last_error());
  ObjectPtr target(t);
  SignaturePtr tagger = impl_->tagger();
  for (int attempt = 0;; ++attempt) {
    std::string name = tag.str();
    int valid = 0;
    if (git_reference_name_is_valid(&valid, (std::string(kTagsPrefix) + name).c_str()) != 0 || !valid)
      throw Error(Errc::usage, "'" + name + "' is not a valid git tag name");
    git_oid id;
    int rc = git_tag_create(&id, impl_->repo.get(), name.c_str(), t, tagger.get(), message.c_str(), 0);
    if (rc == GIT_EEXISTS && tag.number > 0 && attempt < kRenumberAttempts) {
      tag.number++;  // another process took this N meanwhile
      continue;
    }
    if (rc == GIT_EEXISTS) throw Error(Errc::usage, "tag " + name + " already exists");
    if (rc != 0) throw Error(Errc::failure, "cannot create tag " + name + ": " + last_error());
    reload();
    for (const auto& e : model(tag.model).history)
      if (e.tag == name) return e;
    throw Error(Errc::failure, "cannot read back tag " + name);
  }
}

void Registry::check_new_version(const std::string& name, const SemVer& version) const {
  check_registry_name(name, "model");
  if (!models_.count(name)) return;
  if (const ModelVersion* same = live_model(name).find(version))
    throw Error(Errc::usage, "version " + same->version.tag() + " of '" + name + "' is already registered (tag " +
                                 same->registration.tag + " on commit " + same->registration.commit.substr(0, 12) + ")");
}

RegistryEvent Registry::register_version(const std::string& name, const SemVer& version, const std::string& commit,
                                         const ArtifactRecord& record, const std::string& text) {
  check_new_version(name, version);
  RegistryTagName tag{RegistryAction::register_version, name, version, "", 0};
  ArtifactRecord r = record;
  r.version.reset();
  return create(tag, commit, format_registry_message(text.empty() ? "Register " + name + " " + version.tag() : text, r));
}

RegistryEvent Registry::assign(const std::string& name, const SemVer& version, const std::string& stage,
                               const std::string& text) {
  check_registry_name(stage, "stage");
  const Model& m = live_model(name);
  const ModelVersion& mv = this->version(name, version);
  if (mv.deregistered)
    throw Error(Errc::failure, name + " " + mv.version.tag() + " is deregistered; it cannot be assigned to a stage");
  RegistryTagName tag{RegistryAction::assign, name, std::nullopt, stage, 0};
  tag.number = m.next_number(tag.family());
  ArtifactRecord r = mv.registration.message.record;
  r.version = mv.version;
  std::string msg = text.empty() ? "Assign " + name + " " + mv.version.tag() + " to stage " + stage : text;
  return create(tag, mv.registration.commit, format_registry_message(msg, r));
}

RegistryEvent Registry::unassign(const std::string& name, const std::string& stage, const std::string& text) {
  check_registry_name(stage, "stage");
  const Model& m = live_model(name);
  const ModelVersion* mv = m.in_stage(stage);
  if (!mv) throw Error(Errc::failure, "no version of '" + name + "' is in stage " + stage);
  RegistryTagName tag{RegistryAction::unassign, name, std::nullopt, stage, 0};
  tag.number = m.next_number(tag.family());
  ArtifactRecord r = mv->registration.message.record;
  r.version = mv->version;
  std::string msg = text.empty() ? "Unassign " + name + " " + mv->version.tag() + " from stage " + stage : text;
  return create(tag, mv->registration.commit, format_registry_message(msg, r));
}

RegistryEvent Registry::deregister(const std::string& name, const SemVer& version, const std::string& text) {
  const Model& m = live_model(name);
  const ModelVersion& mv = this->version(name, version);
  if (mv.deregistered) throw Error(Errc::failure, name + " " + mv.version.tag() + " is already deregistered");
  RegistryTagName tag{RegistryAction::deregister_version, name, mv.version, "", 0};
  tag.number = m.next_number(tag.family());
  ArtifactRecord r = mv.registration.message.record;
  r.version = mv.version;
  std::string msg = text.empty() ? "Deregister " + name + " " + mv.version.tag() : text;
  return create(tag, mv.registration.commit, format_registry_message(msg, r));
}

RegistryEvent Registry::deprecate(const std::string& name, const std::string& text) {
  const Model& m = live_model(name);
  RegistryTagName tag{RegistryAction::deprecate_model, name, std::nullopt, "", 0};
  tag.number = m.next_number(tag.family());
  const ModelVersion* latest = m.latest();
  std::string commit = latest ? latest->registration.commit : m.history.back().commit;
  return create(tag, commit, format_registry_message(text.empty() ? "Deprecate " + name : text, {}));
}

}  // namespace mlops
