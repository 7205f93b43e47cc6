// Internal to server/app*.cc: the content one generation serves, and the
// helpers the route handlers share.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "load/load.h"
#include "markup/markup.h"
#include "model/model.h"
#include "newsroom/newsroom.h"
#include "render/render.h"
#include "server/app.h"
#include "server/feedback.h"
#include "server/metrics.h"
#include "server/responder.h"
#include "server/router.h"
#include "server/server.h"
#include "store/store.h"

namespace vetted::server {

// Everything one content generation serves. Built once by LoadContent, then
// read-only except for the page cache (its own lock). Never moved: the Site
// model is referenced by docs and renderer.
struct Content {
  int64_t generation = 0;
  load::MemoryFileSystem fs;
  Site site;
  markup::SiteDocs docs;
  std::unique_ptr<render::SiteRenderer> renderer;
  std::unordered_map<std::string, std::string> page_path;    // URL path -> output path
  std::unordered_map<std::string, std::string> redirects;    // alias URL -> article URL
  std::unordered_map<std::string, const Article*> articles;  // article URL -> article
  std::unordered_map<std::string, std::string> static_file;  // URL path -> path in fs
  std::string last_modified;                                 // HTTP date when loaded
  std::string base_path;  // render::BasePath: "/" or "/health/"; the site is served under it
  std::string origin;     // of base_url ("https://example.org"): the default CORS origin
  // For the next reload (UpdateContent): the snapshot's file paths (bytes in
  // fs under "site/"), each article's markup diagnostics (parallel to
  // site.articles) and what they depend on besides the files.
  std::vector<std::string> paths;
  std::vector<std::vector<Diagnostic>> markup_diagnostics;
  std::string link_fingerprint;

  mutable std::shared_mutex cache_mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const CachedBody>> cache;  // by URL path
};

// Loads the store's published content and prepares it for serving.
// Each phase's wall time is appended to *phases when given.
// `clock` gives the Last-Modified of its pages.
Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options,
                                                   const util::Clock& clock, std::string* phases = nullptr);
// The content of `changes.generation`: `previous` with the changed articles
// (Store::ChangesSince) applied, without reading the rest from the store;
// articles' markup diagnostics are reused when provably the same. Serves
// exactly what LoadContent would. kInvalid when `changes` is not complete or
// other files changed (call LoadContent), or when the new content is refused.
Result<std::shared_ptr<const Content>> UpdateContent(const Content& previous, const store::Changes& changes,
                                                     const render::Options& options, const util::Clock& clock,
                                                     std::string* phases = nullptr);

// Fresh (never cached) HTML, e.g. search results: no-store, security headers.
Response HtmlResponse(int status, std::string html, std::string_view route);
// A JSON answer: {"error": message} for errors, or the given object text.
Response JsonResponse(int status, const nlohmann::ordered_json& body, std::string_view route);
Response JsonError(int status, std::string_view message, std::string_view route);
Response Redirect(int status, std::string location, std::string_view route);

// Query string -> decoded (name, value) pairs ('+' is a space). Bad escapes
// are kept as typed.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string QueryValue(std::string_view query, std::string_view name);

struct App::Impl {
  store::Store& store;
  AppOptions options;
  Metrics* metrics = nullptr;
  std::function<void(const std::string&)> log;
  RateLimiter limiter;
  std::unique_ptr<FeedbackQueue> queue;
  Router router;  // filled by the route groups (server/public/, server/ops/) in Open
  // The newsroom's article service behind the article API (server/admin/article_routes.h);
  // null when the store keeps no workflow.
  std::unique_ptr<newsroom::Articles> articles;

  mutable std::mutex content_mu;
  std::shared_ptr<const Content> content;
  int64_t failed_generation = -1;  // last generation that failed to load (not retried)
  // Cache hits, counted here (one atomic add per request) and added to
  // `metrics` when /metrics is read.
  std::atomic<uint64_t> cache_hits{0}, hits_reported{0};
  std::atomic<bool> warm{false};  // the search index's word lists are ready (see WarmSearch)

  std::mutex reload_mu;  // held by App::Reload throughout
  std::mutex poll_mu;
  std::condition_variable poll_cv;
  bool stopping = false;
  std::thread poller;

  Impl(store::Store& s, const AppOptions& o, Metrics* m, std::function<void(const std::string&)> l);
  std::shared_ptr<const Content> Current() const {
    std::lock_guard<std::mutex> lock(content_mu);
    return content;
  }
  render::Options RenderOptions();
  void Count(std::string_view name, std::string_view labels, std::string_view help);
  void WarmSearch(const Content& c);

  // Route handlers (app.cc, app_search.cc, app_feedback.cc).
  Response Page(const Request& req, const Content& c, const std::string& path);
  Response NotFound(const Request& req, const Content& c);
  Response Search(const Request& req, const Content& c, bool api);
  Response FeedbackThanks(const Request& req, const Content& c);
  void Feedback(Request&& req, Respond respond, bool api);
  // `foreign`: a form posted from another origin (the static site): the
  // thank-you and error pages link back to the article's absolute URL.
  Response FeedbackStored(bool api, bool foreign, const std::string& url, const std::string& revision,
                          const Result<int64_t>& id);
  void CountFeedback(FeedbackReason reason);  // vetted_feedback_total by reason's label
  Response FeedbackError(bool api, int status, const std::string& message, const std::string& article,
                         bool foreign = false);
  // The request's Origin when it may call /api/feedback from a script
  // (AppOptions::cors_origins, else the site's origin); "" otherwise.
  std::string CorsOrigin(const Request& req, const Content& c) const;
  Response FeedbackPreflight(const Request& req, const Content& c) const;  // OPTIONS /api/feedback
  Response Health(const Content& c);
  Response MetricsPage(const Content& c);
};

}  // namespace vetted::server
