#pragma once
// Delivery results as JSON, the one shape shared by `mlops deploy --json`,
// `mlops agent activate --json` (read back by the SSH transport) and the
// agent's HTTPS API (read back by the HTTPS transport):
//
//   {"name": NAME, "version": VERSION,
//    "outcome": "activated" | "installed" | "unchanged" | "rolled-back",
//    "current": VERSION | null, "previous": VERSION | null,
//    "signed_by": KEYID, "removed": [VERSION, ...],
//    "health": {"ok": BOOL, "detail": TEXT, "output": TEXT}}   (only when a check ran)
//
// Health checks never travel: a device runs the bundle's signed check or its
// own (DevicePolicy).
#include <nlohmann/json.hpp>
#include <string>

#include "device_install.hpp"

namespace mlops {

nlohmann::json delivery_report_json(const DeliveryReport& r);
// Error(remote) naming `origin` when the document is not such a report.
DeliveryReport delivery_report_from_json(const nlohmann::json& doc, const std::string& origin);

}  // namespace mlops
