// The feedback group: posting feedback (form and JSON) and the thank-you page.
#include <memory>

#include "server/public/routes.h"

namespace vetted::server {

Status AddFeedbackRoutes(Router& router, App::Impl& app) {
  App::Impl* m = &app;
  auto post = [m](bool api) {
    return [m, api](Request&& req, const PathMatch&, Respond respond) {
      m->Feedback(std::move(req), std::move(respond), api);
    };
  };
  auto thanks = [m](Request&& req, const PathMatch&, Respond respond) {
    respond(m->FeedbackThanks(req, *m->Current()));
  };
  auto preflight = [m](Request&& req, const PathMatch&, Respond respond) {
    respond(m->FeedbackPreflight(req, *m->Current()));
  };
  const Route routes[] = {
      {kPost, "/feedback", Access::kPublic, kFeedbackBodyLimit, post(false), 0, /*uses_store=*/true},
      {kPost, "/feedback/", Access::kPublic, kFeedbackBodyLimit, post(false), 0, /*uses_store=*/true},
      {kPost, "/api/feedback", Access::kPublic, kFeedbackBodyLimit, post(true), 0, /*uses_store=*/true},
      {kOptions, "/api/feedback", Access::kPublic, kNoBody, preflight},  // CORS
      {kGet, "/feedback/thanks", Access::kPublic, kNoBody, thanks},
      {kGet, "/feedback/thanks/", Access::kPublic, kNoBody, thanks},
  };
  for (const Route& r : routes)
    if (Status s = router.Add(r); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace vetted::server
