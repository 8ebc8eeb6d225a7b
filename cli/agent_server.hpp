#pragma once
// `mlops agent serve`: the HTTPS receiver on an edge device (DESIGN §7). It
// stores uploads under the device root and activates them with DeviceRoot,
// the same code as every other transport. All answers are JSON; errors are
// {"error": {"code": EXIT-CODE, "message": TEXT}}.
//
//   GET  /v1/health                          {"ok": true}  (no auth needed)
//   GET  /v1/bundles/NAME/VERSION            {"received": BYTES}: how much of an
//                                            upload is on the device (0: none)
//   PUT  /v1/bundles/NAME/VERSION            the bundle's bytes, streamed into
//                                            ROOT/.incoming/NAME-VERSION.mlbundle.part;
//        Content-Range: bytes FIRST-LAST/TOTAL continues an upload at FIRST,
//        which must be what is already there (else 409 with "received");
//        without it the upload starts over. 413 beyond --max-size.
//   POST /v1/models/NAME/activate            {"version": V, "sha256": HEX?,
//                                            "activate": BOOL?, "retain": 1..1000?}
//                                            -> a delivery report
//                                            (core/delivery_json.hpp); the
//                                            upload is removed afterwards. A
//                                            member of the wrong type is 400; so
//                                            is "health": what runs is the
//                                            bundle's signed check or the
//                                            agent's own (options.policy), and a
//                                            version older than the current one
//                                            is refused (409) unless the policy
//                                            allows downgrades
//   POST /v1/models/NAME/rollback            -> the model's status; the explicit
//                                            way back, logged
//   GET  /v1/models/NAME/status              -> the model's status
//   GET  /v1/models                          {"models": [STATUS, ...]}
//
// Authentication: a client certificate signed by --client-ca (checked in the
// TLS handshake), and/or `Authorization: Bearer <token>` matching the first
// line of --token-file (401 without, 403 when wrong). Status codes: 400 bad
// request, 404 unknown model or upload, 409 conflict (lock held, version
// clash, upload offset), 413 too large, 422 refused bundle (signature, hash,
// untrusted key: nothing is left behind).
//
// Uploads never activated are removed after options.upload_lifetime, at
// start and before each upload (core/device_incoming.hpp).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/device_install.hpp"
#include "core/minisign_format.hpp"

namespace mlops::cli {

struct AgentServerOptions {
  std::filesystem::path root;
  std::string host = "127.0.0.1";
  int port = 8443;
  std::filesystem::path tls_cert, tls_key, client_ca;
  std::string token;  // empty: no bearer token accepted
  std::vector<MinisignPublicKey> trusted;
  uint64_t max_bundle_bytes = uint64_t{4} << 30;
  DevicePolicy policy;  // this device's health check and downgrade rule
  std::chrono::hours upload_lifetime{24};
  std::function<void(const std::string&)> log;  // one line per request; must be thread-safe
  std::function<void(int port)> on_listening;
};

// Serves until SIGINT/SIGTERM (interrupt_requested()). Error(usage) for
// unreadable certificates or a port that cannot be bound.
void run_agent_server(const AgentServerOptions& options);

}  // namespace mlops::cli
