#include "out_entry_json.hpp"

#include "error.hpp"
#include "workspace_path.hpp"

namespace mlops {

nlohmann::json out_entry_json(const PointerOut& o) {
  return {{"path", o.path},
          {"hash", o.hash.str()},
          {"kind", o.kind == OutKind::dir ? "dir" : "file"},
          {"size", o.size},
          {"files", o.files}};
}

PointerOut parse_out_entry_json(const nlohmann::json& entry) {
  PointerOut p;
  p.path = entry.at("path").get<std::string>();
  if (auto why = unsafe_workspace_path(p.path))
    throw Error(Errc::usage, "unsafe out path '" + shown_path(p.path) + "': " + *why);
  p.hash = Hash::parse(entry.at("hash").get<std::string>());
  p.kind = entry.at("kind") == "dir" ? OutKind::dir : OutKind::file;
  p.size = entry.at("size").get<uint64_t>();
  p.files = entry.at("files").get<uint64_t>();
  return p;
}

}  // namespace mlops
