// The ops group: /metrics for the operator, /healthz for anyone.
#include <memory>

#include "server/ops/routes.h"

namespace vetted::server {

bool IsOpsPath(std::string_view path) {
  return path == "/metrics" || path == "/healthz";
}

Status AddOpsRoutes(Router& router, App::Impl& app) {
  App::Impl* m = &app;
  const Route routes[] = {
      {kGet, "/metrics", Access::kOps, kNoBody,
       [m](Request&&, const PathMatch&, Respond respond) { respond(m->MetricsPage(*m->Current())); }},
      {kGet, "/healthz", Access::kPublic, kNoBody,
       [m](Request&&, const PathMatch&, Respond respond) { respond(m->Health(*m->Current())); }},
  };
  for (const Route& r : routes)
    if (Status s = router.Add(r); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace vetted::server
