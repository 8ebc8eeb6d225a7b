#include "run_cache.hpp"

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "out_entry_json.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

constexpr const char* kSchema = "mlops-run-cache 1";

bool valid_key(const std::string& key) {
  return key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string format_run_cache_entry(const RunCacheEntry& e) {
  json outs = json::array();
  for (const auto& o : e.outs) outs.push_back(out_entry_json(o));
  return json{{"schema", kSchema}, {"stage", e.stage}, {"outs", outs}}.dump() + "\n";
}

RunCacheEntry parse_run_cache_entry(const std::string& text, const std::string& origin) {
  try {
    json j = json::parse(text);
    if (j.at("schema") != kSchema) throw Error(Errc::integrity, origin + ": unsupported run-cache schema");
    RunCacheEntry e;
    e.stage = j.at("stage").get<std::string>();
    for (const auto& o : j.at("outs")) e.outs.push_back(parse_out_entry_json(o));
    return e;
  } catch (const Error& ex) {
    if (ex.code() == Errc::integrity) throw;
    throw Error(Errc::integrity, origin + ": malformed run-cache entry: " + ex.what());
  } catch (const std::exception& ex) {
    throw Error(Errc::integrity, origin + ": malformed run-cache entry: " + ex.what());
  }
}

std::string RunCache::relative_name(const std::string& key) {
  if (!valid_key(key)) throw Error(Errc::integrity, "invalid run-cache key '" + key + "'");
  return "runs/" + key.substr(0, 2) + "/" + key;
}

std::optional<RunCacheEntry> RunCache::find(const std::string& key) const {
  fs::path file = cache_ / relative_name(key);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  return parse_run_cache_entry(read_file(file), file.string());
}

void RunCache::save(const std::string& key, const RunCacheEntry& entry) const {
  fs::path file = cache_ / relative_name(key);
  fs::create_directories(file.parent_path());
  write_file_atomic(file, format_run_cache_entry(entry));
}

std::vector<std::string> RunCache::keys() const {
  std::vector<std::string> out;
  std::error_code ec;
  fs::path dir = cache_ / "runs";
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& fan : fs::directory_iterator(dir))
    for (const auto& f : fs::directory_iterator(fan.path())) {
      std::string name = f.path().filename().string();
      if (valid_key(name)) out.push_back(name);
    }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mlops
