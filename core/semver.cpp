#include "semver.hpp"

#include <algorithm>

#include "text.hpp"

namespace mlops {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ident_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool is_ident(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_ident_char); }

// A version number: digits, no leading zero, fits in 64 bits.
std::optional<uint64_t> number(std::string_view s) {
  if (!is_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// Pre-release identifier precedence: numeric ones compare as numbers and
// sort before alphanumeric ones, which compare as ASCII.
int compare_ident(const std::string& a, const std::string& b) {
  bool na = is_digits(a), nb = is_digits(b);
  if (na && nb) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : a == b ? 0 : 1;
  }
  if (na != nb) return na ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a == b ? 0 : 1;
}

}  // namespace

std::optional<SemVer> SemVer::parse(std::string_view text) {
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  SemVer v;
  if (auto plus = text.find('+'); plus != std::string_view::npos) {
    v.build = std::string(text.substr(plus + 1));
    for (const auto& part : split(v.build, '.'))
      if (!is_ident(part)) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    for (const auto& part : split(text.substr(dash + 1), '.')) {
      if (!is_ident(part) || (is_digits(part) && !number(part))) return std::nullopt;
      v.pre.push_back(part);
    }
    text = text.substr(0, dash);
  }
  auto core = split(text, '.');
  if (core.size() != 3) return std::nullopt;
  auto ma = number(core[0]), mi = number(core[1]), pa = number(core[2]);
  if (!ma || !mi || !pa) return std::nullopt;
  v.major = *ma;
  v.minor = *mi;
  v.patch = *pa;
  return v;
}

std::string SemVer::str() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) s += "-" + join(pre, ".");
  if (!build.empty()) s += "+" + build;
  return s;
}

int SemVer::precedence(const SemVer& o) const {
  if (major != o.major) return major < o.major ? -1 : 1;
  if (minor != o.minor) return minor < o.minor ? -1 : 1;
  if (patch != o.patch) return patch < o.patch ? -1 : 1;
  if (pre.empty() || o.pre.empty()) return pre.empty() == o.pre.empty() ? 0 : pre.empty() ? 1 : -1;
  for (size_t i = 0; i < pre.size() && i < o.pre.size(); ++i)
    if (int c = compare_ident(pre[i], o.pre[i])) return c;
  return pre.size() == o.pre.size() ? 0 : pre.size() < o.pre.size() ? -1 : 1;
}

std::strong_ordering SemVer::operator<=>(const SemVer& o) const {
  if (int c = precedence(o)) return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  return build <=> o.build;
}

SemVer bump(const SemVer& v, BumpPart part) {
  SemVer n{v.major, v.minor, v.patch, {}, {}};
  bool pre = !v.pre.empty();
  switch (part) {
    case BumpPart::major:
      if (!pre || v.minor != 0 || v.patch != 0) n = {v.major + 1, 0, 0, {}, {}};
      break;
    case BumpPart::minor:
      if (!pre || v.patch != 0) n = {v.major, v.minor + 1, 0, {}, {}};
      break;
    case BumpPart::patch:
      if (!pre) n.patch++;
      break;
  }
  return n;
}

std::optional<BumpPart> parse_bump_part(std::string_view text) {
  if (text == "major") return BumpPart::major;
  if (text == "minor") return BumpPart::minor;
  if (text == "patch") return BumpPart::patch;
  return std::nullopt;
}

}  // namespace mlops
