#pragma once
// Health checks that core/ cannot run itself: a manifest's `health.url` is
// fetched here (core/ has no HTTP client), a `health.cmd` still runs through
// core's run_health_check. Every activation path (file://, `agent activate`,
// `agent serve`) uses this runner, so a bundle's check means the same
// wherever it lands.
#include "core/device_install.hpp"

namespace mlops {

// GET `check.url` with TLS verified; healthy on a 2xx answer within
// `check.timeout_seconds`.
HealthResult check_health_url(const HealthCheck& check);

// A DevicePolicy::health_runner for both kinds of check.
HealthRunner health_runner_with_http();

}  // namespace mlops
