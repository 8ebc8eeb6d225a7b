#pragma once
// The model registry's git tags (DESIGN §6): every registry event is one
// annotated tag, so the registry is whatever tags a clone has fetched. Tag
// names follow GTO's conventions (`name@v1.2.3`, `name#stage#N`, `!` for the
// undoing events):
//
//   tag        = model "@" version                ; register a version
//              | model "@" version "!#" N         ; deregister (deprecate) it
//              | model "#" stage "#" N            ; assign the version to a stage
//              | model "#" stage "!#" N           ; unassign the version from it
//              | model "@deprecated#" N           ; deprecate the whole model
//   model      = name
//   stage      = name
//   name       = [a-z0-9] ( [a-z0-9-]* [a-z0-9] )?
//   version    = "v" semver                      ; semver.hpp; build metadata allowed
//   N          = [1-9] [0-9]*
//
// N numbers the events of one family: a model's stage (assign and unassign
// together), a version's deregistrations, a model's deprecations. The next
// event of a family takes 1 + the highest N any tag of the family has, so N
// orders a stage's events without relying on clocks.
//
// The tag's message records the artifact in a block of trailers after a
// free-form text, so scripts can read it with `git cat-file tag`:
//
//   message    = text LF LF trailers
//   trailers   = "mlops-registry: 1" LF *(field LF)
//   field      = key ": " value                  ; value: no LF
//   key        = "version"   ; the version a stage event is about ("v1.2.0")
//              | "path"      ; the artifact, relative to the mlops root
//              | "hash"      ; its content: "sha256:" 64 hex (pointer file's hash)
//              | "kind"      ; "file" | "dir"
//              | "size"      ; bytes (dir: the sum of its files)
//              | "run"       ; id of the run that produced it, when known
//
// Readers use the last trailer block that starts with "mlops-registry:" and
// ignore keys they do not know. Tags without one (made by hand or by other
// tools) are still events; a stage event's version then comes from the
// registration tag on the same commit.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "digest.hpp"
#include "semver.hpp"

namespace mlops {

enum class RegistryAction { register_version, deregister_version, assign, unassign, deprecate_model };
std::string_view action_name(RegistryAction a);  // "register", "deregister", "assign", ...

struct RegistryTagName {
  RegistryAction action = RegistryAction::register_version;
  std::string model;
  std::optional<SemVer> version;  // register and deregister
  std::string stage;              // assign and unassign
  uint64_t number = 0;            // N; 0 for register

  std::string str() const;
  // The events that share N: "churn#prod", "churn@v1.0.0", "churn@deprecated".
  std::string family() const;
};

// nullopt for a tag that is not a registry tag (any other tag of the repo).
std::optional<RegistryTagName> parse_registry_tag(std::string_view tag);

// Error(usage) naming `what` ("model", "stage") unless `name` follows the
// name rule above.
void check_registry_name(const std::string& name, std::string_view what);

struct ArtifactRecord {
  std::optional<SemVer> version;
  std::string path;
  std::optional<Hash> hash;
  std::string kind;
  uint64_t size = 0;
  std::string run;
};

struct RegistryMessage {
  std::string text;       // what the user wrote (trailing blank lines removed)
  ArtifactRecord record;  // empty when the message has no trailer block
};

// Error(usage) when a value would not fit on one line.
std::string format_registry_message(const std::string& text, const ArtifactRecord& record);
RegistryMessage parse_registry_message(std::string_view message);

}  // namespace mlops
