// The pages group: every GET that no more specific route takes.
#include <memory>

#include "server/public/routes.h"

namespace vetted::server {

Status AddPageRoutes(Router& router, App::Impl& app) {
  App::Impl* m = &app;
  return router.Add(
      {kGet, "/*", Access::kPublic, kNoBody, [m](Request&& req, const PathMatch& match, Respond respond) {
         std::shared_ptr<const Content> c = m->Current();
         if (auto r = c->redirects.find(match.path); r != c->redirects.end())
           return respond(Redirect(301, r->second, "redirect"));
         respond(m->Page(req, *c, match.path));
       }});
}

}  // namespace vetted::server
