// Internal to server/: the newsroom's article API under /admin/api/ (the
// admin group; docs/newsroom-workflow.md). Each handler only parses JSON,
// calls newsroom::Articles with Request::actor (filled by the router's gate
// from the session) and turns the Status into HTTP; every rule is the
// service's. Answers are JSON, never cached (no-store).
//
//   POST /admin/api/articles                 {"path", "source"} -> 201 {"id", "revision"}
//   PUT  /admin/api/articles/{id}            {"source", "base_revision", "major"?} -> 200 {"revision",
//                                            "settings_only"} (true: the same revision, settings outside
//                                            it changed and kept, newsroom::Saved::settings_only),
//                                            or 409 {"error":"conflict","latest_revision","latest_source"}
//   POST /admin/api/articles/{id}/submit           {"revision"}
//   POST /admin/api/articles/{id}/approve          {"revision", "note"?}
//   POST /admin/api/articles/{id}/request-changes  {"revision", "comments"}
//   POST /admin/api/articles/{id}/publish          {"revision", "reason"?, "at"?}
//   POST /admin/api/articles/{id}/unpublish        {"at"?}
//   GET  /admin/api/articles[?state=&author=&reviewer=]  {"articles": [...]}
//   GET  /admin/api/articles/{id}            state, revisions, reviews, publications, audit
//   GET  /admin/api/audit                    {"entries": [...], "intact", "problem"?}
//
// Refusals: 403 {"error":"forbidden","reason"}, 400 {"error":"bad_request",
// "reason"} for bad JSON or input, 404 {"error":"not_found"} for an unknown
// id, 409 {"error":"conflict","reason"} for a path already taken.
#pragma once

#include <cstdint>
#include <vector>

#include "model/status.h"
#include "newsroom/newsroom.h"
#include "server/router.h"

namespace vetted::server {

// An article's source may be long: bodies up to this size (below the
// parser's ceiling for any route, kMaxRouteBodyBytes).
inline constexpr size_t kArticleBodyLimit = 1024 * 1024;

// One route of the article API as data: the role bits that may call it
// (any one of them), besides the Route's Access.
struct ArticleRoute {
  Route route;
  uint8_t roles = 0;  // newsroom::Role bits; AddArticleRoutes copies them to Route::roles
};

// A step of the article workflow and who may ever take it: the API
// (POST /admin/api/articles/{id}/NAME) and the HTML pages
// (POST /admin/articles/{id}/NAME) route the same steps with the same
// Access and roles; the service still decides each request.
struct WorkflowStep {
  const char* name;  // "submit", "approve", "request-changes", "publish", "unpublish"
  Access access;
  uint8_t roles;  // newsroom::Role bits
};
inline constexpr WorkflowStep kWorkflowSteps[] = {
    {"submit", Access::kWriter, newsroom::kWriter | newsroom::kEditor},
    {"approve", Access::kReviewer, newsroom::kReviewer},
    {"request-changes", Access::kReviewer, newsroom::kReviewer},
    {"publish", Access::kEditor, newsroom::kEditor},
    {"unpublish", Access::kEditor, newsroom::kEditor},
};

// The API's routes, handlers bound to `articles` (which must outlive them).
std::vector<ArticleRoute> ArticleRoutes(newsroom::Articles& articles);

// Adds ArticleRoutes(articles) to `router`.
Status AddArticleRoutes(Router& router, newsroom::Articles& articles);

}  // namespace vetted::server
