#include "exp_queue.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "run_record.hpp"
#include "utc_time.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

constexpr const char* kSchema = "mlops-exp-queue 1";

QueuedExp parse_entry(const fs::path& file) {
  try {
    json j = json::parse(read_file(file));
    if (j.at("schema") != kSchema) throw Error(Errc::failure, "unknown schema " + j.at("schema").dump());
    QueuedExp e;
    e.id = j.at("id").get<std::string>();
    e.name = j.value("name", "");
    e.overrides = j.value("overrides", std::vector<std::string>{});
    e.targets = j.value("targets", std::vector<std::string>{});
    e.queued = j.value("queued", "");
    return e;
  } catch (const std::exception& ex) {
    throw Error(Errc::failure, file.string() + ": unreadable queued experiment: " + ex.what());
  }
}

}  // namespace

QueuedExp ExpQueue::add(QueuedExp e) {
  double now = epoch_now();
  e.id = new_run_id(now);
  e.queued = utc_timestamp_ms(now);
  json j{{"schema", kSchema},         {"id", e.id},           {"name", e.name},
         {"overrides", e.overrides}, {"targets", e.targets}, {"queued", e.queued}};
  fs::create_directories(dir_);
  write_file_atomic(dir_ / (e.id + ".json"), j.dump() + "\n");
  return e;
}

std::vector<QueuedExp> ExpQueue::list() const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json" && valid_run_id(it->path().stem().string())) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::vector<QueuedExp> out;
  for (const auto& f : files) out.push_back(parse_entry(f));
  return out;
}

QueuedExp ExpQueue::find(const std::string& ref) const {
  std::vector<QueuedExp> hits;
  for (auto& e : list())
    if (e.id == ref || e.name == ref || (!ref.empty() && e.id.starts_with(ref))) hits.push_back(e);
  if (hits.size() == 1) return hits.front();
  if (hits.empty()) throw Error(Errc::usage, "no queued experiment '" + ref + "' (see `mlops exp queue list`)");
  throw Error(Errc::usage, "queued experiment '" + ref + "' is ambiguous: " + std::to_string(hits.size()) + " match");
}

void ExpQueue::remove(const std::string& id) {
  std::error_code ec;
  fs::remove(dir_ / (id + ".json"), ec);
  if (ec) throw Error(Errc::failure, "cannot remove queued experiment " + id + ": " + ec.message());
}

}  // namespace mlops
