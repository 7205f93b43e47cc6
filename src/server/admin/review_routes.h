// Internal to server/: the newsroom's review pages under /admin/articles/
// (the "review" part of the admin UI contract; docs/guide-reviewers.md,
// docs/guide-editors.md). Each handler reads through or calls
// newsroom::Articles / newsroom::Previews with Request::actor; every rule is
// the service's, the pages only offer the steps it would allow.
//
//   GET  /admin/articles/{id}                  the article: state, revisions, reviews, the
//                                              text under review with its diff, allowed steps
//   POST /admin/articles/{id}/submit|approve|request-changes|publish|unpublish
//                                              303 to the article with a note; 403/400/409 with
//                                              the reason on the article page
//   GET  /admin/articles/{id}/revisions        every revision; compare and restore forms
//   GET  /admin/articles/{id}/diff?from=&to=   word-level diff of two revisions' sources
//   POST /admin/articles/{id}/restore          an old revision's text saved as the latest
//   POST /admin/articles/{id}/preview-link     a private link to one revision (200: shown once)
//   GET  /admin/articles/{id}/record           the production record, printable
//   GET  /admin/articles/{id}/record.json      the same as JSON
//   GET  /admin/review.css                     the pages' stylesheet (public)
//   GET  /preview/{token}                      public: the revision as readers would see it,
//                                              with a banner; no-store, noindex; 404 once expired
#pragma once

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// Adds the routes above (the store must keep a workflow: app.articles set).
Status AddReviewRoutes(Router& router, App::Impl& app);

}  // namespace vetted::server
