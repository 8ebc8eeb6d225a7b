#include "pointer_file.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>

#include "atomic_file.hpp"
#include "out_entry_yaml.hpp"
#include "error.hpp"
#include "workspace_path.hpp"
#include "yaml_load.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

Error bad(const std::string& origin, const YAML::Mark& mark, const std::string& what,
          std::string_view file_kind = "pointer file") {
  std::string where = origin;
  if (!mark.is_null()) where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  return Error(Errc::usage, where + ": invalid " + std::string(file_kind) + ": " + what);
}

uint64_t as_count(const std::string& origin, const YAML::Node& n, const char* key, std::string_view file_kind) {
  const std::string& s = n.Scalar();
  if (!n.IsScalar() || s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    throw bad(origin, n.Mark(), std::string(key) + " must be a non-negative whole number", file_kind);
  return std::stoull(s);
}

// A pointer's path stays below the pointer's directory, a lock's below the
// repository root: both follow the one rule of workspace_path.hpp.
void check_path(const std::string& origin, const YAML::Node& n, const std::string& path, std::string_view file_kind) {
  if (auto why = unsafe_workspace_path(path))
    throw bad(origin, n.Mark(), "unsafe path '" + shown_path(path) + "': " + *why, file_kind);
}

}  // namespace

// YAML readers other than ours resolve plain `yes`, `null` or `1.5` to
// booleans, nulls and numbers; such names are written double-quoted.
std::string yaml_string(const std::string& s) {
  static const std::regex non_string(
      "(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|"
      "[-+]?(?:\\.[0-9]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\\.(?:inf|Inf|INF)|"
      "\\.(?:nan|NaN|NAN))");
  YAML::Emitter e;
  if (std::regex_match(s, non_string)) e << YAML::DoubleQuoted;
  e << s;
  return e.c_str();
}

PointerOut parse_out_entry(const std::string& origin, const YAML::Node& o, std::string_view file_kind) {
  if (!o.IsMap()) throw bad(origin, o.Mark(), "each out must be a mapping", file_kind);
  PointerOut out;
  for (const char* required : {"path", "hash", "kind"})
    if (!o[required] || !o[required].IsScalar()) throw bad(origin, o.Mark(), std::string("missing `") + required + "`", file_kind);
  out.path = o["path"].Scalar();
  check_path(origin, o["path"], out.path, file_kind);
  auto h = Hash::try_parse(o["hash"].Scalar());
  if (!h || o["hash"].Scalar().rfind("sha256:", 0) != 0)
    throw bad(origin, o["hash"].Mark(), "hash must be sha256:<64 hex digits>", file_kind);
  out.hash = *h;
  const std::string& kind = o["kind"].Scalar();
  if (kind == "file") out.kind = OutKind::file;
  else if (kind == "dir") out.kind = OutKind::dir;
  else throw bad(origin, o["kind"].Mark(), "kind must be file or dir, not '" + kind + "'", file_kind);
  if (o["size"]) out.size = as_count(origin, o["size"], "size", file_kind);
  if (o["files"]) out.files = as_count(origin, o["files"], "files", file_kind);
  return out;
}

std::string format_out_entry(const PointerOut& o, const std::string& indent) {
  std::string out = indent + "- path: " + yaml_string(o.path) + "\n";
  out += indent + "  hash: " + o.hash.str() + "\n";
  out += indent + std::string("  kind: ") + (o.kind == OutKind::dir ? "dir" : "file") + "\n";
  out += indent + "  size: " + std::to_string(o.size) + "\n";
  if (o.kind == OutKind::dir) out += indent + "  files: " + std::to_string(o.files) + "\n";
  return out;
}

PointerFile parse_pointer(const std::string& text, const std::string& origin) {
  YAML::Node root = load_yaml(text, origin);
  if (!root.IsMap()) throw bad(origin, root.Mark(), "expected a mapping with `outs`");
  YAML::Node outs = root["outs"];
  if (!outs || !outs.IsSequence() || outs.size() == 0)
    throw bad(origin, root.Mark(), "`outs` must be a non-empty list");
  PointerFile p;
  for (const auto& o : outs) p.outs.push_back(parse_out_entry(origin, o, "pointer file"));
  return p;
}

PointerFile read_pointer(const fs::path& file) {
  return parse_pointer(read_yaml_file(file, file.string()), file.string());
}

std::string format_pointer(const PointerFile& p) {
  std::string name = p.outs.empty() ? "" : p.outs.front().path;
  std::string out = "# mlops pointer: the content of `" + name + "` lives in the mlops cache\nouts:\n";
  for (const auto& o : p.outs) out += format_out_entry(o, "  ");
  return out;
}

void write_pointer(const fs::path& file, const PointerFile& p) { write_file_atomic(file, format_pointer(p)); }

}  // namespace mlops
