#include "registry_tag.hpp"

#include <algorithm>
#include <charconv>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

constexpr std::string_view kTrailerStart = "mlops-registry: 1";

bool is_name(std::string_view s) {
  auto inner = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  return !s.empty() && std::all_of(s.begin(), s.end(), inner) && s.front() != '-' && s.back() != '-';
}

std::optional<uint64_t> event_number(std::string_view s) {
  uint64_t n = 0;
  if (s.empty() || s[0] == '0') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// "X!#N" or "X#N" after the model's "@"/"#": splits off N and the undo mark.
struct Suffix {
  std::string_view head;
  bool undo = false;
  std::optional<uint64_t> number;
};
Suffix split_number(std::string_view rest) {
  Suffix s{rest, false, std::nullopt};
  auto hash = rest.rfind('#');
  if (hash == std::string_view::npos) return s;
  s.number = event_number(rest.substr(hash + 1));
  s.head = rest.substr(0, hash);
  if (!s.head.empty() && s.head.back() == '!') {
    s.undo = true;
    s.head.remove_suffix(1);
  }
  if (!s.number) s.head = {};  // "#" followed by something else: not ours
  return s;
}

}  // namespace

std::string_view action_name(RegistryAction a) {
  switch (a) {
    case RegistryAction::register_version: return "register";
    case RegistryAction::deregister_version: return "deregister";
    case RegistryAction::assign: return "assign";
    case RegistryAction::unassign: return "unassign";
    case RegistryAction::deprecate_model: return "deprecate";
  }
  return "?";
}

std::string RegistryTagName::str() const {
  std::string n = "#" + std::to_string(number);
  switch (action) {
    case RegistryAction::register_version: return model + "@" + version->tag();
    case RegistryAction::deregister_version: return model + "@" + version->tag() + "!" + n;
    case RegistryAction::assign: return model + "#" + stage + n;
    case RegistryAction::unassign: return model + "#" + stage + "!" + n;
    case RegistryAction::deprecate_model: return model + "@deprecated" + n;
  }
  return model;
}

std::string RegistryTagName::family() const {
  switch (action) {
    case RegistryAction::assign:
    case RegistryAction::unassign: return model + "#" + stage;
    case RegistryAction::deprecate_model: return model + "@deprecated";
    default: return model + "@" + version->tag();
  }
}

std::optional<RegistryTagName> parse_registry_tag(std::string_view tag) {
  auto sep = tag.find_first_of("@#");
  if (sep == std::string_view::npos || !is_name(tag.substr(0, sep))) return std::nullopt;
  RegistryTagName t;
  t.model = std::string(tag.substr(0, sep));
  std::string_view rest = tag.substr(sep + 1);
  if (tag[sep] == '#') {
    Suffix s = split_number(rest);
    if (!s.number || !is_name(s.head)) return std::nullopt;
    t.action = s.undo ? RegistryAction::unassign : RegistryAction::assign;
    t.stage = std::string(s.head);
    t.number = *s.number;
    return t;
  }
  if (rest.find('#') == std::string_view::npos) {
    if (rest.empty() || rest[0] != 'v' || !(t.version = SemVer::parse(rest))) return std::nullopt;
    return t;
  }
  Suffix s = split_number(rest);
  if (!s.number) return std::nullopt;
  t.number = *s.number;
  if (s.head == "deprecated" && !s.undo) {
    t.action = RegistryAction::deprecate_model;
    return t;
  }
  if (!s.undo || s.head.empty() || s.head[0] != 'v' || !(t.version = SemVer::parse(s.head))) return std::nullopt;
  t.action = RegistryAction::deregister_version;
  return t;
}

void check_registry_name(const std::string& name, std::string_view what) {
  if (!is_name(name))
    throw Error(Errc::usage, "invalid " + std::string(what) + " name '" + name +
                                 "': use lowercase letters, digits and '-', starting and ending with a letter or digit");
}

std::string format_registry_message(const std::string& text, const ArtifactRecord& r) {
  std::string out = trim(text) + "\n\n" + std::string(kTrailerStart) + "\n";
  auto field = [&](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    if (value.find_first_of("\r\n") != std::string::npos)
      throw Error(Errc::usage, "the " + std::string(key) + " recorded in a registry tag must fit on one line");
    out += std::string(key) + ": " + value + "\n";
  };
  field("version", r.version ? r.version->tag() : "");
  field("path", r.path);
  field("hash", r.hash ? r.hash->str() : "");
  field("kind", r.kind);
  field("size", r.path.empty() ? "" : std::to_string(r.size));
  field("run", r.run);
  return out;
}

RegistryMessage parse_registry_message(std::string_view message) {
  RegistryMessage m;
  auto lines = split(message, '\n');
  size_t start = lines.size();
  for (size_t i = lines.size(); i-- > 0;)
    if (lines[i] == kTrailerStart && (i == 0 || trim(lines[i - 1]).empty())) {
      start = i;
      break;
    }
  std::vector<std::string> text(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(start));
  m.text = trim(join(text, "\n"));
  for (size_t i = start + 1; i < lines.size(); ++i) {
    auto colon = lines[i].find(": ");
    if (colon == std::string::npos) continue;
    std::string key = lines[i].substr(0, colon), value = trim(lines[i].substr(colon + 2));
    ArtifactRecord& r = m.record;
    if (key == "version") r.version = SemVer::parse(value);
    else if (key == "path") r.path = value;
    else if (key == "hash") r.hash = Hash::try_parse(value);
    else if (key == "kind" && (value == "file" || value == "dir")) r.kind = value;
    else if (key == "size") std::from_chars(value.data(), value.data() + value.size(), r.size);
    else if (key == "run") r.run = value;
  }
  return m;
}

}  // namespace mlops
