// The search group: /search (HTML, works without JavaScript) and /api/search.
#include <memory>

#include "server/public/routes.h"

namespace vetted::server {

Status AddSearchRoutes(Router& router, App::Impl& app) {
  App::Impl* m = &app;
  auto search = [m](bool api) {
    return [m, api](Request&& req, const PathMatch&, Respond respond) {
      respond(m->Search(req, *m->Current(), api));
    };
  };
  for (const char* pattern : {"/search", "/search/"})
    if (Status s =
            router.Add({kGet, pattern, Access::kPublic, kNoBody, search(false), 0, /*uses_store=*/true});
        !s.ok())
      return s;
  return router.Add({kGet, "/api/search", Access::kPublic, kNoBody, search(true), 0, /*uses_store=*/true});
}

}  // namespace vetted::server
