// Internal to server/app*.cc: the content one generation serves, and the
// helpers the route handlers share.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
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
#include "render/render.h"
#include "server/app.h"
#include "server/feedback.h"
#include "server/metrics.h"
#include "server/server.h"
#include "store/store.h"

namespace vetted::server {

enum class Encodings { kIdentity, kGzip, kBrotli };

// One response body in each encoding worth sending (made when first asked
// for), with its validators.
struct CachedBody {
  std::shared_ptr<const std::string> identity, gzip, br;  // gzip/br null when not smaller
  // The response's header lines for each (Response::header_block).
  std::shared_ptr<const std::string> identity_head, gzip_head, br_head;
  std::string etag;  // "\"<hash>\"" of identity
  std::string_view content_type;
  bool compressible = false;                  // a type and size worth compressing (Vary: Accept-Encoding)
  bool gzip_tried = false, br_tried = false;  // compressed (kept only when smaller)
  bool Has(Encodings e) const;                // nothing left to try for e
  bool immutable = false;                     // fingerprinted asset: cache for a year
};

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

  mutable std::shared_mutex cache_mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const CachedBody>> cache;  // by URL path
};

// Loads the store's published content and prepares it for serving.
Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options);

// The best encoding the request accepts.
Encodings WantedEncoding(const Request& req);
// Makes the cached form of a body, also in the `wanted` encoding when that
// makes it smaller.
std::shared_ptr<const CachedBody> MakeBody(std::string bytes, std::string_view path, bool immutable,
                                           const std::string& last_modified,
                                           Encodings wanted = Encodings::kIdentity);
// A copy of `body` with the `wanted` encoding added.
std::shared_ptr<const CachedBody> WithEncoding(const CachedBody& body, Encodings wanted,
                                               const std::string& last_modified);

// The response for a body, honouring Accept-Encoding, If-None-Match and HEAD.
Response BodyResponse(const Request& req, const CachedBody& body, int status, std::string_view route);

// Fresh (never cached) HTML, e.g. search results: no-store, security headers.
Response HtmlResponse(int status, std::string html, std::string_view route);
// A JSON answer: {"error": message} for errors, or the given object text.
Response JsonResponse(int status, std::string json, std::string_view route);
Response JsonError(int status, std::string_view message, std::string_view route);
Response Redirect(int status, std::string location, std::string_view route);

// Query string -> decoded (name, value) pairs ('+' is a space). Bad escapes
// are kept as typed.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string QueryValue(std::string_view query, std::string_view name);
// Percent-decodes a URL path; false for a hostile or malformed one
// (NUL, control bytes, backslash, "..", bad escapes).
bool DecodePath(std::string_view raw, std::string& out);
// "Thu, 26 Nov 2026 06:01:02 GMT" and "2026-11-26T06:01:02Z" for now.
std::string HttpDateNow();
std::string IsoDateNow();

struct App::Impl {
  store::Store& store;
  AppOptions options;
  Metrics* metrics = nullptr;
  std::function<void(const std::string&)> log;
  RateLimiter limiter;
  std::unique_ptr<FeedbackQueue> queue;

  mutable std::mutex content_mu;
  std::shared_ptr<const Content> content;
  int64_t failed_generation = -1;  // last generation that failed to load (not retried)
  // Cache hits, counted here (one atomic add per request) and added to
  // `metrics` when /metrics is read.
  std::atomic<uint64_t> cache_hits{0}, hits_reported{0};
  std::atomic<bool> warm{false};  // the search index's word lists are ready (see WarmSearch)

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
  Response FeedbackError(bool api, int status, const std::string& message, const std::string& article);
  Response Health(const Content& c);
  Response MetricsPage(const Content& c);
};

}  // namespace vetted::server
