#pragma once
// Semantic versions (semver.org 2.0.0), as model versions are named:
//
//   version    = core ["-" pre-release] ["+" build]
//   core       = number "." number "." number
//   number     = "0" | [1-9][0-9]*                  ; no leading zeros
//   pre-release = ident *("." ident)
//   ident      = number | [0-9A-Za-z-]* with at least one non-digit
//   build      = [0-9A-Za-z-]+ *("." [0-9A-Za-z-]+)
//
// Registry tags write a version with a leading "v" (`churn@v1.2.0`); parse()
// accepts it with or without that "v", str() never writes it.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;    // pre-release identifiers; empty: a release
  std::string build;               // build metadata, without the "+"

  // nullopt unless `text` is exactly one version (an optional leading "v").
  static std::optional<SemVer> parse(std::string_view text);
  std::string str() const;               // "1.2.0-rc.1+abc"
  std::string tag() const { return "v" + str(); }  // "v1.2.0-rc.1+abc"

  // Precedence as semver defines it (build metadata ignored): 1.0.0-alpha <
  // 1.0.0-alpha.1 < 1.0.0-beta < 1.0.0. Versions that differ only in build
  // metadata have equal precedence; `<=>` orders them by build text so that
  // sorting is total and stable.
  int precedence(const SemVer& other) const;
  std::strong_ordering operator<=>(const SemVer& other) const;
  bool operator==(const SemVer& other) const = default;
};

enum class BumpPart { major, minor, patch };

// The next version after `v`, as `npm version` computes it: a pre-release
// bumps to its own release when that is the asked-for part (1.2.0-rc.1
// --minor -> 1.2.0, --patch -> 1.2.0); otherwise the part increments and
// the lower parts reset (1.2.3 --minor -> 1.3.0). Pre-release and build
// metadata are dropped.
SemVer bump(const SemVer& v, BumpPart part);
// "major" | "minor" | "patch"; nullopt otherwise.
std::optional<BumpPart> parse_bump_part(std::string_view text);

}  // namespace mlops
