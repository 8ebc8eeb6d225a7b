#pragma once
// The state of the model registry, computed from its tags alone
// (registry_tag.hpp), so every clone that fetched the tags agrees on it.
//
// Rules (GTO's where it documents them, ours where it is silent):
// - A version exists from its registration tag on. A deregistration is final:
//   the version keeps its history but holds no stage and is not "latest".
// - A stage's events are ordered by N. A version is assigned to a stage when
//   its last event there is an assignment. The stage holds the assigned
//   version whose last assignment is the latest; so unassigning the version
//   that holds a stage hands the stage back to the one assigned before it
//   (if that is still assigned), and an unassigned stage with no such
//   version is empty.
// - A stage event's version is the one its trailers name, else the version
//   registered on the commit the tag points to (the greatest, if several).
//   An event whose version is not registered is kept in the history and has
//   no effect.
// - Deprecating the model is final too: it then holds no stage and refuses
//   new events; deleting the `@deprecated` tag revives it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry_tag.hpp"

namespace mlops {

// One registry tag as read from git.
struct RegistryEvent {
  std::string tag;
  RegistryTagName name;
  std::string commit;      // the commit the tag points to (40 hex)
  std::string tagger;      // tagger name (committer of a lightweight tag)
  std::string email;
  int64_t time = 0;        // seconds since the epoch
  int offset_minutes = 0;  // the tagger's UTC offset
  RegistryMessage message;
  std::optional<SemVer> version;  // resolved by build_registry
};

struct ModelVersion {
  SemVer version;
  RegistryEvent registration;
  bool deregistered = false;
  std::vector<std::string> stages;  // stages it holds now, sorted
};

struct Model {
  std::string name;
  std::vector<ModelVersion> versions;      // ascending
  std::map<std::string, SemVer> stages;    // stage -> the version holding it
  bool deprecated = false;
  std::vector<RegistryEvent> history;      // every event, oldest first

  // The registered version `v` names: exact match, else one of equal precedence.
  const ModelVersion* find(const SemVer& v) const;
  // The greatest version that is not deregistered; null when none.
  const ModelVersion* latest() const;
  // The greatest version ever registered (what --bump starts from).
  const ModelVersion* greatest() const;
  const ModelVersion* in_stage(const std::string& stage) const;
  // 1 + the highest N of `family` (RegistryTagName::family()).
  uint64_t next_number(const std::string& family) const;
};

// History order: tagger time; within the same second (git keeps whole
// seconds) registrations first, then stage events by N, then
// deregistrations, then deprecations; then tag name.
std::map<std::string, Model> build_registry(std::vector<RegistryEvent> events);

}  // namespace mlops
