#include "params_override.hpp"

#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "structured_file.hpp"
#include "workspace.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

constexpr const char* kSchema = "mlops-params-backup 1";

fs::path journal_file(const Workspace& ws) { return ws.repo().tmp_dir() / "exp" / "params-backup.json"; }

mode_t mode_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) throw_errno("cannot stat " + file.string());
  return st.st_mode & 07777;
}

// Puts back every file the journal names whose bytes differ, then drops the journal.
std::vector<std::string> restore_from_journal(Workspace& ws) {
  fs::path journal = journal_file(ws);
  std::error_code ec;
  if (!fs::exists(journal, ec)) return {};
  json j;
  try {
    j = json::parse(read_file(journal));
    if (j.at("schema") != kSchema) throw Error(Errc::failure, "unknown schema");
  } catch (const std::exception& e) {
    throw Error(Errc::failure, journal.string() + ": unreadable params backup (" + e.what() +
                                   "); check your params files and remove it");
  }
  std::vector<std::string> restored;
  for (const auto& [file, entry] : j.at("files").items()) {
    std::string original = ws.store().get_bytes(Hash::parse(entry.at("object").get<std::string>()));
    fs::path abs = ws.repo().root() / file;
    if (fs::exists(abs, ec) && read_file(abs) == original) continue;
    write_file_atomic(abs, original, static_cast<mode_t>(entry.at("mode").get<int>()));
    restored.push_back(file);
  }
  fs::remove(journal);
  return restored;
}

struct Edit {
  std::string original;
  std::string edited;
};

// The new content of every file where a value of `values` differs, checked
// before anything is written; `changed` (if given) gets those values.
std::map<std::string, Edit> plan_edits(const fs::path& root, const FileValues& values, FileValues* changed) {
  std::map<std::string, Edit> edits;
  for (const auto& [file, keys] : values) {
    fs::path abs = root / file;
    if (!fs::is_regular_file(abs)) throw Error(Errc::usage, "params file '" + file + "' does not exist");
    Edit e;
    e.original = e.edited = read_file(abs);
    json now = read_structured_file(abs);
    for (const auto& [key, value] : keys) {
      const json* cur = find_param(now, key);
      if (cur && *cur == value) continue;
      e.edited = set_param(e.edited, file, key, value);
      if (changed) (*changed)[file][key] = value;
    }
    if (e.edited != e.original) edits.emplace(file, std::move(e));
  }
  return edits;
}

void write_edits(const fs::path& root, const std::map<std::string, Edit>& edits) {
  for (const auto& [file, e] : edits) write_file_atomic(root / file, e.edited, mode_of(root / file));
}

}  // namespace

FileValues override_values(const std::vector<ParamOverride>& overrides) {
  FileValues values;
  for (const auto& o : overrides) values[o.file][o.key] = o.value;
  return values;
}

ParamsOverride::ParamsOverride(Workspace& ws, const FileValues& overrides) : ws_(ws), applied_(overrides) {
  const fs::path& root = ws.repo().root();
  std::map<std::string, Edit> edits = plan_edits(root, applied_, nullptr);
  if (edits.empty()) return;
  json files = json::object();
  for (const auto& [file, edit] : edits)
    files[file] = {{"object", ws.store().put_bytes(edit.original).str()}, {"mode", mode_of(root / file)}};
  ws.store().flush();
  fs::create_directories(journal_file(ws).parent_path());
  write_file_atomic(journal_file(ws), json{{"schema", kSchema}, {"files", files}}.dump() + "\n");
  active_ = true;
  try {
    write_edits(root, edits);
  } catch (...) {
    restore();
    throw;
  }
}

ParamsOverride::~ParamsOverride() {
  try {
    restore();
  } catch (...) {  // the journal stays; the next exp command restores
  }
}

void ParamsOverride::restore() {
  if (!active_) return;
  restore_from_journal(ws_);
  active_ = false;
}

std::vector<std::string> ParamsOverride::recover(Workspace& ws) { return restore_from_journal(ws); }

void check_params(const fs::path& root, const FileValues& values) { plan_edits(root, values, nullptr); }

FileValues set_params(const fs::path& root, const FileValues& values) {
  FileValues changed;
  write_edits(root, plan_edits(root, values, &changed));
  return changed;
}

}  // namespace mlops
