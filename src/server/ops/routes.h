// Internal to server/: the ops group, the operator's routes. Each is
// Access::kOps: served on the ops listener, or anywhere with the ops bearer
// token (AppOptions::ops_token); refused to the public otherwise.
#pragma once

#include <string_view>

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// GET /metrics (ops: Prometheus text) and GET /healthz (public: load
// balancers and probes must reach it without a token).
Status AddOpsRoutes(Router& router, App::Impl& app);
// True for the paths of AddOpsRoutes: they stay at the root when the site is
// served under a base path.
bool IsOpsPath(std::string_view path);

}  // namespace vetted::server
