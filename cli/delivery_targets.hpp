#pragma once
// Edge targets as configured (`target.<name>.*`) and the table that opens a
// DeliveryTransport for a target's URL scheme. A new transport (ssh://,
// https://) is one row here and one class beside it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/delivery_transport.hpp"

namespace mlops::cli {

struct Target {
  std::string name;
  std::string url;
  std::vector<MinisignPublicKey> trusted;
  int retain = 3;
  bool allow_downgrade = false;  // file:// and ssh://; an https:// agent has its own --allow-downgrade
  std::map<std::string, std::string> options;  // every target.<name>.* key but url and trust (secrets too)
};

// Error(usage) naming the target, with a suggestion, when it is not configured.
Target resolve_target(const Config& config, const std::string& name);
// "a,b" -> {"a", "b"}, each resolved; Error(usage) for an empty list.
std::vector<Target> resolve_targets(const Config& config, const std::string& names);
// Error(usage) for a scheme no transport serves.
std::unique_ptr<DeliveryTransport> open_transport(const Target& target);
// The URL schemes of the table, for messages and checks.
std::vector<std::string> transport_schemes();

// The `target.<name>.trust` value for keys, and back.
std::string encode_trust(const std::vector<MinisignPublicKey>& keys);
std::vector<MinisignPublicKey> decode_trust(const std::string& value, const std::string& target);

}  // namespace mlops::cli
