// Internal to server/: the public route groups, each adding its routes to
// App's table (router.h). Anyone may call them. The handlers are App::Impl's
// (app_pages.cc, app_search.cc, app_feedback.cc); a group names, for each of
// its routes, the methods, the pattern, who may call it and the body limit.
#pragma once

#include "model/status.h"
#include "server/app_internal.h"
#include "server/router.h"

namespace vetted::server {

// GET /* : the site's pages and files, aliases (301), the 404 page.
Status AddPageRoutes(Router& router, App::Impl& app);
// GET /search, /search/ (HTML) and /api/search (JSON).
Status AddSearchRoutes(Router& router, App::Impl& app);
// POST /feedback, /feedback/ (the form), POST /api/feedback (JSON), up to
// kFeedbackBodyLimit; OPTIONS /api/feedback (the CORS preflight); GET
// /feedback/thanks/ (and without the slash).
Status AddFeedbackRoutes(Router& router, App::Impl& app);

inline constexpr size_t kFeedbackBodyLimit = 16 * 1024;

}  // namespace vetted::server
