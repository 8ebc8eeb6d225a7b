#pragma once
// The record a device keeps per model, `<root>/<name>/status.json`, written
// atomically after every change. The `current` and `previous` symlinks are
// the truth about what is active; this file mirrors them and adds what links
// cannot say: when, which content, and what happened before.
//
//   {
//     "format": 1,
//     "name": NAME,
//     "current": VERSION | null,
//     "previous": VERSION | null,
//     "since": TIME | null,                      when `current` became active
//     "versions": { VERSION: {"content": "sha256:<hex>",  bundle_content_digest()
//                             "digest": "sha256:<hex>",   of its manifest.json
//                             "installed": TIME, "signer": KEYID,
//                             "created": TIME?}, ... }    the manifest's; for
//                                                         is_downgrade()
//     "history": [ {"time": TIME, "event": EVENT, "version": VERSION,
//                   "from": VERSION?, "detail": TEXT?}, ... ]   oldest first
//   }
//   TIME  = "YYYY-MM-DDTHH:MM:SSZ"
//   EVENT = "install" | "activate" | "rollback" | "health-failed" | "remove"
//
// The history keeps the last kMaxHistory events.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

struct InstalledVersion {
  std::string content;
  std::string digest;
  std::string installed;
  std::string signer;
  std::string created;  // the signed manifest's; empty in files written before it was recorded
};

struct DeviceEvent {
  std::string time, event, version, from, detail;
};

struct ModelStatus {
  std::string name;
  std::optional<std::string> current, previous;
  std::string since;
  std::map<std::string, InstalledVersion> versions;
  std::vector<DeviceEvent> history;

  void record(std::string event, std::string version, std::string from = {}, std::string detail = {});
};

inline constexpr size_t kMaxHistory = 100;

// A fresh status named `name` when the file does not exist; Error(failure)
// naming the file when it is malformed.
ModelStatus read_model_status(const std::filesystem::path& file, const std::string& name);
void write_model_status(const std::filesystem::path& file, const ModelStatus& s);
nlohmann::json model_status_json(const ModelStatus& s);
// The inverse of model_status_json; `name` empty: the document's. Throws
// (nlohmann or Error) on a malformed document, for the caller to name.
ModelStatus model_status_from_json(const nlohmann::json& doc, const std::string& name = {});

}  // namespace mlops
