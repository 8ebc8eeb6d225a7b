#include "delivery_json.hpp"

#include "error.hpp"

using nlohmann::json;

namespace mlops {
namespace {

json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::optional<std::string> opt_str(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

DeliveryOutcome outcome_from_name(const std::string& name) {
  for (auto o : {DeliveryOutcome::activated, DeliveryOutcome::installed, DeliveryOutcome::unchanged,
                 DeliveryOutcome::rolled_back})
    if (outcome_name(o) == name) return o;
  throw Error("unknown outcome '" + name + "'");
}

}  // namespace

json delivery_report_json(const DeliveryReport& r) {
  json j{{"name", r.name},
         {"version", r.version},
         {"outcome", outcome_name(r.outcome)},
         {"current", opt(r.current)},
         {"previous", opt(r.previous)},
         {"signed_by", r.signer},
         {"removed", r.removed}};
  if (r.health) j["health"] = {{"ok", r.health->ok}, {"detail", r.health->detail}, {"output", r.health->output}};
  return j;
}

DeliveryReport delivery_report_from_json(const json& doc, const std::string& origin) {
  try {
    DeliveryReport r;
    r.name = doc.at("name").get<std::string>();
    r.version = doc.at("version").get<std::string>();
    r.outcome = outcome_from_name(doc.at("outcome").get<std::string>());
    r.current = opt_str(doc, "current");
    r.previous = opt_str(doc, "previous");
    r.signer = doc.value("signed_by", "");
    r.removed = doc.value("removed", std::vector<std::string>{});
    if (auto h = doc.find("health"); h != doc.end() && h->is_object())
      r.health = HealthResult{h->value("ok", false), h->value("detail", ""), h->value("output", "")};
    return r;
  } catch (const std::exception& e) {
    throw Error(Errc::remote, origin + " answered with a malformed delivery report: " + e.what());
  }
}

}  // namespace mlops
