#pragma once
// The model registry in git (DESIGN §6): reads the registry tags of the git
// repository around an mlops root into models (registry_state.hpp) and records
// new events as annotated tags (registry_tag.hpp). Only tags are read and
// written: no checkout, no branch, git's index and work tree untouched.
//
// Tagger: GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL when set (as `git tag`
// does), else user.name / user.email from git config; time is now.
//
// Every event is checked against the current state first (the model and
// version exist, the version is not deregistered, the model not deprecated),
// so a refused request writes no tag. Two processes numbering the same
// family at once cannot both win: tag creation refuses an existing name, and
// the loser takes the next N.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "registry_state.hpp"

namespace mlops {

class Registry {
 public:
  // Error(usage) when `mlops_root` is not in a git work tree.
  explicit Registry(const std::filesystem::path& mlops_root);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const std::map<std::string, Model>& models() const { return models_; }
  // Error(usage) naming `name` (and the registered models) when unknown.
  const Model& model(const std::string& name) const;
  // The version `version` names; Error(usage) when it is not registered.
  const ModelVersion& version(const std::string& model, const SemVer& version) const;

  // Error(usage) when `name` is not a valid name or a version of equal
  // precedence exists; Error(failure) when the model is deprecated.
  void check_new_version(const std::string& name, const SemVer& version) const;
  // `name@vX.Y.Z` on `commit`, recording `record` (its version is ignored),
  // after check_new_version().
  RegistryEvent register_version(const std::string& name, const SemVer& version, const std::string& commit,
                                 const ArtifactRecord& record, const std::string& text);
  // `name#stage#N` on the version's commit.
  RegistryEvent assign(const std::string& name, const SemVer& version, const std::string& stage,
                       const std::string& text);
  // `name#stage!#N` for the version holding `stage`; Error(failure) when none does.
  RegistryEvent unassign(const std::string& name, const std::string& stage, const std::string& text);
  // `name@vX.Y.Z!#N`; Error(failure) when already deregistered.
  RegistryEvent deregister(const std::string& name, const SemVer& version, const std::string& text);
  // `name@deprecated#N` on the latest version's commit (when every version is
  // deregistered, on the commit of the model's last event).
  RegistryEvent deprecate(const std::string& name, const std::string& text);

 private:
  struct Impl;
  void reload();
  // Creates the tag for `tag` (renumbering a family event that lost a race)
  // and returns the event as the reloaded state has it.
  RegistryEvent create(RegistryTagName tag, const std::string& commit, const std::string& message);
  const Model& live_model(const std::string& name) const;  // model(), and not deprecated

  std::unique_ptr<Impl> impl_;
  std::map<std::string, Model> models_;
};

}  // namespace mlops
