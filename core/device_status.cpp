#include "device_status.hpp"

#include <ctime>
#include <system_error>

#include "atomic_file.hpp"
#include "error.hpp"
#include "utc_time.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mlops {
namespace {

json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::string str_or_empty(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> opt_str(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

void ModelStatus::record(std::string event, std::string version, std::string from, std::string detail) {
  history.push_back({utc_now(), std::move(event), std::move(version), std::move(from), std::move(detail)});
  if (history.size() > kMaxHistory) history.erase(history.begin(), history.end() - kMaxHistory);
}

json model_status_json(const ModelStatus& s) {
  json versions = json::object();
  for (const auto& [v, i] : s.versions) {
    versions[v] = {{"content", i.content}, {"digest", i.digest}, {"installed", i.installed}, {"signer", i.signer}};
    if (!i.created.empty()) versions[v]["created"] = i.created;
  }
  json history = json::array();
  for (const auto& e : s.history) {
    json j = {{"time", e.time}, {"event", e.event}, {"version", e.version}};
    if (!e.from.empty()) j["from"] = e.from;
    if (!e.detail.empty()) j["detail"] = e.detail;
    history.push_back(std::move(j));
  }
  return {{"format", 1},
          {"name", s.name},
          {"current", opt(s.current)},
          {"previous", opt(s.previous)},
          {"since", s.since.empty() ? json(nullptr) : json(s.since)},
          {"versions", versions},
          {"history", history}};
}

ModelStatus model_status_from_json(const json& doc, const std::string& name) {
  if (!doc.is_object() || doc.value("format", 0) != 1) throw Error("unsupported format");
  ModelStatus s;
  s.name = name.empty() ? str_or_empty(doc, "name") : name;
  s.current = opt_str(doc, "current");
  s.previous = opt_str(doc, "previous");
  s.since = str_or_empty(doc, "since");
  for (const auto& [v, i] : doc.at("versions").items())
    s.versions[v] = {str_or_empty(i, "content"), str_or_empty(i, "digest"), str_or_empty(i, "installed"),
                     str_or_empty(i, "signer"), str_or_empty(i, "created")};
  for (const auto& e : doc.at("history"))
    s.history.push_back({str_or_empty(e, "time"), str_or_empty(e, "event"), str_or_empty(e, "version"),
                         str_or_empty(e, "from"), str_or_empty(e, "detail")});
  return s;
}

ModelStatus read_model_status(const fs::path& file, const std::string& name) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    ModelStatus s;
    s.name = name;
    return s;
  }
  try {
    return model_status_from_json(json::parse(read_file(file)), name);
  } catch (const std::exception& e) {
    throw Error(Errc::failure, "the device status file " + file.string() + " is malformed: " + e.what());
  }
}

void write_model_status(const fs::path& file, const ModelStatus& s) {
  write_file_atomic(file, model_status_json(s).dump(2) + "\n");
}

}  // namespace mlops
