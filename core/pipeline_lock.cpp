#include "pipeline_lock.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "atomic_file.hpp"
#include "error.hpp"
#include "out_entry_yaml.hpp"
#include "pipeline_lock_fast.hpp"
#include "yaml_json.hpp"
#include "yaml_load.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

constexpr std::string_view kSchema = "mlops-lock 1";

Error bad(const std::string& origin, const YAML::Node& n, const std::string& what) {
  std::string where = origin;
  if (!n.Mark().is_null()) where += ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
  return Error(Errc::usage, where + ": invalid lock file: " + what);
}

std::vector<PointerOut> entries(const std::string& origin, const YAML::Node& list) {
  std::vector<PointerOut> out;
  if (!list) return out;
  if (!list.IsSequence()) throw bad(origin, list, "expected a list of {path, hash, kind} entries");
  for (const auto& e : list) out.push_back(parse_out_entry(origin, e, "lock file"));
  return out;
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out += indent + text.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
  return out;
}

// " VALUE\n" for a scalar or flow list, "\n" + an indented block for a mapping.
std::string value_text(const nlohmann::json& v, const std::string& indent) {
  YAML::Emitter e;
  emit_json_as_yaml(e, v);
  if (v.is_object() && !v.empty()) return "\n" + indented(e.c_str(), indent);
  return std::string(" ") + e.c_str() + "\n";
}

void sorted_entries(std::string& out, const char* field, std::vector<PointerOut> list) {
  if (list.empty()) return;
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  out += std::string("    ") + field + ":\n";
  for (const auto& e : list) out += format_out_entry(e, "      ");
}

}  // namespace

const PointerOut* StageLock::dep(const std::string& path) const {
  for (const auto& d : deps)
    if (d.path == path) return &d;
  return nullptr;
}

const PointerOut* StageLock::out(const std::string& path) const {
  for (const auto& o : outs)
    if (o.path == path) return &o;
  return nullptr;
}

PipelineLock parse_lock(const std::string& text, const std::string& origin) {
  check_yaml_size(text.size(), origin);
  if (auto fast = parse_lock_fast(text, origin)) return std::move(*fast);
  YAML::Node root = load_yaml(text, origin);
  PipelineLock lock;
  if (root.IsNull()) return lock;
  if (!root.IsMap()) throw bad(origin, root, "expected a mapping with `schema` and `stages`");
  if (!root["schema"] || !root["schema"].IsScalar() || root["schema"].Scalar() != kSchema)
    throw bad(origin, root, "unsupported schema (this mlops reads '" + std::string(kSchema) + "')");
  YAML::Node stages = root["stages"];
  if (!stages) return lock;
  if (!stages.IsMap()) throw bad(origin, stages, "`stages` must be a mapping");
  for (const auto& kv : stages) {
    const YAML::Node& s = kv.second;
    if (!s.IsMap()) throw bad(origin, s, "stage '" + kv.first.Scalar() + "' must be a mapping");
    StageLock st;
    if (!s["cmd"]) throw bad(origin, s, "stage '" + kv.first.Scalar() + "' has no `cmd`");
    if (s["cmd"].IsScalar()) st.cmd = {s["cmd"].Scalar()};
    else if (s["cmd"].IsSequence())
      for (const auto& c : s["cmd"]) st.cmd.push_back(c.Scalar());
    else throw bad(origin, s["cmd"], "`cmd` must be a string or a list of strings");
    st.deps = entries(origin, s["deps"]);
    st.outs = entries(origin, s["outs"]);
    if (s["params"]) {
      if (!s["params"].IsMap()) throw bad(origin, s["params"], "`params` must map files to keys");
      for (const auto& file : s["params"]) {
        if (!file.second.IsMap()) throw bad(origin, file.second, "params of '" + file.first.Scalar() + "' must be a mapping");
        for (const auto& key : file.second) st.params[file.first.Scalar()][key.first.Scalar()] = yaml_to_json(key.second);
      }
    }
    lock.stages[kv.first.Scalar()] = std::move(st);
  }
  return lock;
}

std::string format_lock(const PipelineLock& lock) {
  std::string out = "# mlops.lock: hashes of what each stage last ran with and produced; commit it with mlops.yaml\n";
  out += "schema: " + std::string(kSchema) + "\nstages:\n";
  for (const auto& [name, st] : lock.stages) {
    out += "  " + yaml_string(name) + ":\n";
    if (st.cmd.size() == 1) {
      out += "    cmd: " + yaml_string(st.cmd[0]) + "\n";
    } else {
      out += "    cmd:\n";
      for (const auto& c : st.cmd) out += "      - " + yaml_string(c) + "\n";
    }
    sorted_entries(out, "deps", st.deps);
    if (!st.params.empty()) {
      out += "    params:\n";
      for (const auto& [file, keys] : st.params) {
        out += "      " + yaml_string(file) + ":\n";
        for (const auto& [key, value] : keys) out += "        " + yaml_string(key) + ":" + value_text(value, "          ");
      }
    }
    sorted_entries(out, "outs", st.outs);
  }
  return out;
}

PipelineLock read_lock(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root / kLockFile, ec)) return {};
  return parse_lock(read_yaml_file(root / kLockFile, std::string(kLockFile)), std::string(kLockFile));
}

void write_lock(const fs::path& root, const PipelineLock& lock) {
  if (lock.stages.empty()) {
    std::error_code ec;
    fs::remove(root / kLockFile, ec);
    return;
  }
  write_file_atomic(root / kLockFile, format_lock(lock));
}

}  // namespace mlops
