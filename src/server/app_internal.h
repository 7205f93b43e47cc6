// Internal to server/app*.cc: the content one generation serves, and the
// helpers the route handlers share.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
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
#include "server/page_cache.h"
#include "server/responder.h"
#include "server/router.h"
#include "server/server.h"
#include "store/store.h"

namespace vetted::server {

constexpr size_t kRelatedCount = 5;  // "Related articles" per article page
inline constexpr std::chrono::seconds kScheduledEvery{1};

// Everything one content generation serves. Built once by LoadContent or
// UpdateContent, then read-only except for the page cache (its own lock).
// Never moved: the Site model is referenced by docs and renderer. A
// generation made by UpdateContent shares the unchanged articles
// (Site::articles is a SharedList) and the static files with the previous one.
struct Content {
  int64_t generation = 0;
  // The site's static/ files (under "site/static/"), shared by generations.
  std::shared_ptr<const load::MemoryFileSystem> fs;
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
  // For the next reload (UpdateContent): each article's markup diagnostics
  // (parallel to site.articles).
  std::vector<std::vector<Diagnostic>> markup_diagnostics;
  // The folders ("content/a/b") holding, in them or below, a file other than
  // a published article: they stay sections whatever articles go.
  std::shared_ptr<const std::set<std::string>> file_folders;

  // By URL path (and "\n404"); its budget and counters are set by App
  // before the generation is served (UpdateContent: taken from `previous`).
  mutable PageCache cache;
};

// Loads the store's published content and prepares it for serving.
// Each phase's wall time is appended to *phases when given.
// `clock` gives the Last-Modified of its pages.
Result<std::shared_ptr<const Content>> LoadContent(store::Store& store, const render::Options& options,
                                                   const util::Clock& clock, std::string* phases = nullptr);
// The content of `changes.generation`: `previous` with the changed articles
// (Store::ChangesSince) applied, without reading the rest from the store.
// Only the changed articles are parsed; unchanged ones, the static files and
// their markup diagnostics are shared with `previous`; the page cache keeps
// the pages no change can affect (KeepPage, app_update.cc). Serves exactly
// what LoadContent would. kInvalid when `changes` is not complete or other
// files changed, or when the new content is refused. nullptr (ok) when the
// change is one this does not apply (a new or emptied folder, a draft, a new
// hero image): call LoadContent.
Result<std::shared_ptr<const Content>> UpdateContent(const Content& previous, const store::Changes& changes,
                                                     const render::Options& options, const util::Clock& clock,
                                                     std::string* phases = nullptr);

// Internal to app.cc / app_update.cc: appends "name N ms (cpu N)" per phase.
class PhaseLog {
 public:
  explicit PhaseLog(std::string* out);
  void operator()(const char* name);

 private:
  std::string* out_;
  std::chrono::steady_clock::time_point last_;
  double last_cpu_;
};

// Phases 2 to 4 of a generation whose fs and site are set: markup,
// validate (articles' markup diagnostics taken from `known` where set),
// renderer and routes. With `check_only` (indexes into site.articles), the
// check rules run on those articles alone, with the rest of the site
// (UpdateContent: the changed articles, when the change claims no new URL):
// the articles of a served generation had no error, and no rule but
// duplicate-url relates two articles.
Status BuildContent(Content& c, std::vector<std::optional<std::vector<Diagnostic>>> known,
                    const render::Options& options, const util::Clock& clock, PhaseLog& phase,
                    const std::vector<size_t>* check_only = nullptr);

// The URLs Store::Related answered while rendering on this thread go to
// *sink while it is set (App::Impl::RenderOptions' callback).
extern thread_local std::vector<std::string>* related_sink;

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
  // Carries out the newsroom's scheduled publications whose time has come
  // (the poller calls it at most every kScheduledEvery); logs what it did.
  void RunScheduled();

  mutable std::mutex content_mu;
  std::shared_ptr<const Content> content;
  int64_t failed_generation = -1;  // last generation that failed to load (not retried)
  // Cache hits, counted here (one atomic add per request) and added to
  // `metrics` when /metrics is read.
  std::atomic<uint64_t> cache_hits{0}, hits_reported{0};
  // Evictions of every generation's page cache (PageCache::Configure).
  std::shared_ptr<PageCacheCounters> cache_counters = std::make_shared<PageCacheCounters>();
  std::atomic<uint64_t> evictions_reported{0};
  std::atomic<bool> warm{false};  // the search index's word lists are ready (see WarmSearch)
  // The database could not be reached at the last look (the poller looks at
  // every reload; Router::SetStoreHealth). Pages are served from memory
  // meanwhile; what needs the database answers 503.
  std::atomic<bool> store_down{false};
  std::atomic<int64_t> store_looked_ms{0};  // steady clock of the last look
  // Records a look at the database (logs when it goes down or comes back).
  void SawStore(const Status& status);
  // Router::SetStoreHealth's function: the last look, or a new one when
  // `look_again` (after a failure: rare while the database is up, and while
  // it is down requests are refused before they reach a handler).
  bool StoreDown(bool look_again);
  // The database was out of space at the last look (store::Store::OutOfSpace:
  // a write failed for lack of disk space, none has committed since). The
  // router and the poller look; SawSpace logs the change, once each way.
  std::atomic<bool> store_full{false};
  bool SawSpace();

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
  // Asks the search index for the words of `first`, then of every article
  // (until a newer generation is stored).
  void WarmSearch(const Content& c, const std::vector<const Article*>* first = nullptr);

  // Route handlers (app.cc, app_search.cc, app_feedback.cc).
  Response Page(const Request& req, const Content& c, const std::string& path);
  Response NotFound(const Request& req, const Content& c);
  bool StillRelated(const std::string& url, const std::vector<std::string>& shown);
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

  // The desk's daily mailer (server/admin/desk_mail.cc) when
  // options.mail_command is set. Declared last: stopped first, while the
  // content it reads is still here.
  std::shared_ptr<void> desk_mailer;
};

}  // namespace vetted::server
