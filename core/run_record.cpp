#include "run_record.hpp"

#include <cinttypes>
#include <cstdio>
#include <random>

#include "error.hpp"
#include "out_entry_json.hpp"

using nlohmann::json;

namespace mlops {
namespace {

constexpr const char* kSchema = "mlops-run 1";

json outs_json(const std::vector<PointerOut>& outs) {
  json a = json::array();
  for (const auto& o : outs) a.push_back(out_entry_json(o));
  return a;
}

std::vector<PointerOut> parse_outs(const json& a) {
  std::vector<PointerOut> outs;
  for (const auto& o : a) outs.push_back(parse_out_entry_json(o));
  return outs;
}

json lock_json(const StageLock& l) {
  json params = json::object();
  for (const auto& [file, keys] : l.params)
    for (const auto& [key, value] : keys) params[file][key] = value;
  return {{"cmd", l.cmd}, {"deps", outs_json(l.deps)}, {"params", params}, {"outs", outs_json(l.outs)}};
}

StageLock parse_lock_json(const json& j) {
  StageLock l;
  l.cmd = j.at("cmd").get<std::vector<std::string>>();
  l.deps = parse_outs(j.at("deps"));
  for (const auto& [file, keys] : j.at("params").items())
    for (const auto& [key, value] : keys.items()) l.params[file][key] = value;
  l.outs = parse_outs(j.at("outs"));
  return l;
}

json stage_json(const RunStage& s) {
  return {{"name", s.name},       {"outcome", s.outcome}, {"exit_code", s.exit_code},
          {"signal", s.signal},   {"seconds", s.seconds}, {"started", s.started},
          {"executor", s.executor}, {"error", s.error},   {"lock", s.lock ? lock_json(*s.lock) : json(nullptr)}};
}

RunStage parse_stage(const json& j) {
  RunStage s;
  s.name = j.at("name").get<std::string>();
  s.outcome = j.at("outcome").get<std::string>();
  s.exit_code = j.value("exit_code", 0);
  s.signal = j.value("signal", 0);
  s.seconds = j.value("seconds", 0.0);
  s.started = j.value("started", "");
  s.executor = j.value("executor", "");
  s.error = j.value("error", "");
  if (j.contains("lock") && !j.at("lock").is_null()) s.lock = parse_lock_json(j.at("lock"));
  return s;
}

}  // namespace

std::vector<PointerOut> RunRecord::outs() const {
  std::vector<PointerOut> all;
  for (const auto& s : stages)
    if (s.lock) all.insert(all.end(), s.lock->outs.begin(), s.lock->outs.end());
  return all;
}

json file_values_json(const FileValues& values) {
  json j = json::object();
  for (const auto& [file, keys] : values) {
    json& f = j[file] = json::object();
    for (const auto& [key, value] : keys) f[key] = value;
  }
  return j;
}

FileValues parse_file_values(const json& j) {
  FileValues values;
  for (const auto& [file, keys] : j.items()) {
    FlatValues& f = values[file];
    for (const auto& [key, value] : keys.items()) f[key] = value;
  }
  return values;
}

json run_record_json(const RunRecord& r) {
  json stages = json::array();
  for (const auto& s : r.stages) stages.push_back(stage_json(s));
  json j{{"schema", kSchema},
         {"id", r.id},
         {"name", r.name},
         {"kind", r.kind},
         {"status", r.status},
         {"started", r.started},
         {"ended", r.ended},
         {"seconds", r.seconds},
         {"git", {{"commit", r.commit}, {"branch", r.branch}, {"dirty", r.dirty}}},
         {"host", r.host},
         {"user", r.user},
         {"executor", r.executor},
         {"targets", r.targets},
         {"overrides", file_values_json(r.overrides)},
         {"params", file_values_json(r.params)},
         {"metrics", file_values_json(r.metrics)}};
  if (!r.stages.empty()) j["stages"] = std::move(stages);
  return j;
}

std::string format_run_record(const RunRecord& r) { return run_record_json(r).dump() + "\n"; }

RunRecord parse_run_record(const std::string& text, const std::string& origin) {
  try {
    json j = json::parse(text);
    if (j.at("schema") != kSchema)
      throw Error(Errc::integrity, origin + ": unsupported run record schema " + j.at("schema").dump());
    RunRecord r;
    r.id = j.at("id").get<std::string>();
    if (!valid_run_id(r.id)) throw Error(Errc::integrity, origin + ": invalid run id '" + r.id + "'");
    r.name = j.value("name", "");
    r.kind = j.value("kind", "repro");
    r.status = j.value("status", "ok");
    r.started = j.at("started").get<std::string>();
    r.ended = j.value("ended", "");
    r.seconds = j.value("seconds", 0.0);
    const json& git = j.at("git");
    r.commit = git.value("commit", "");
    r.branch = git.value("branch", "");
    r.dirty = git.value("dirty", false);
    r.host = j.value("host", "");
    r.user = j.value("user", "");
    r.executor = j.value("executor", "");
    r.targets = j.value("targets", std::vector<std::string>{});
    r.overrides = parse_file_values(j.value("overrides", json::object()));
    r.params = parse_file_values(j.value("params", json::object()));
    r.metrics = parse_file_values(j.value("metrics", json::object()));
    for (const auto& s : j.value("stages", json::array())) r.stages.push_back(parse_stage(s));
    return r;
  } catch (const Error& e) {
    if (e.code() == Errc::integrity) throw;
    throw Error(Errc::integrity, origin + ": malformed run record: " + e.what());
  } catch (const std::exception& e) {
    throw Error(Errc::integrity, origin + ": malformed run record: " + e.what());
  }
}

std::string new_run_id(double epoch_seconds) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto ms = static_cast<uint64_t>(epoch_seconds * 1000);
  uint32_t rnd = std::uniform_int_distribution<uint32_t>(0, 0xfffff)(rng);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%011" PRIx64 "%05" PRIx32, ms & uint64_t{0xfffffffffff}, rnd);
  return buf;
}

bool valid_run_id(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace mlops
