// The served site: the public pages, search, reader feedback, /healthz and
// /metrics (for the operator only: AppOptions::ops_token or the ops
// listener), all answered from a Store. Part of server/'s front door (included
// by cli/serve); no socket here: App::Handle is the Handler Serve calls.
//
// What App does with a Store:
//   - loads the published content (Store::Load) into a Site model and a
//     render::SiteRenderer, exactly as `vetted build` would from a folder;
//   - renders a page the first time it is asked for and caches it with its
//     gzip and brotli forms, ETag and Last-Modified (unless options.cache is
//     off: then every request renders);
//   - polls Store::Generation and swaps in the new content when an import
//     changed it (served within about options.reload_poll plus the load time;
//     requests in flight finish on the content they started with); when only
//     articles changed, the new content shares the unchanged articles with
//     the old, parses only the changed ones, and keeps the cached pages that
//     cannot show them (options.incremental);
//   - answers /search and /api/search from Store::Search, and uses
//     Store::Related for each article's "Related articles";
//   - accepts feedback (POST /feedback from the form, POST /api/feedback with
//     JSON), masks personal data, rate-limits by a keyed hash of the client
//     address, and answers only once the row is durable (group commit);
//     answers CORS preflights for /api/feedback from the allowed origins
//     (AppOptions::cors_origins), so that a static build of the site at
//     another origin can send its feedback here;
//   - serves the newsroom's sign-in and account pages under /admin/
//     (server/admin/) when the store keeps accounts (Store::Accounts), and
//     checks the session, role, CSRF token and origin of every newsroom
//     route (Access::kSignedIn ... kAdmin) before its handler;
//   - serves the site under the path of its base_url ("/health/" for
//     https://example.org/health/): "/" and "/health" redirect (301) to it,
//     anything else outside it is the 404 page, except /healthz and /metrics,
//     which stay at the root.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/load.h"
#include "model/status.h"
#include "server/server.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::server {

class Metrics;

// Each default here is the one default: the CLI's ServeArgs (cli/commands.h)
// takes its own from it.
// The page cache's default budget (AppOptions::cache_bytes, `vetted serve
// --cache-mb`); docs/serving.md says why this size.
inline constexpr size_t kDefaultCacheBytes = size_t{256} << 20;

struct AppOptions {
  bool cache = true;  // false: render every page on every request (to measure rendering)
  // The most the page cache holds (pages with their compressed forms, keys
  // and bookkeeping, server/page_cache.h); past it the least recently used
  // pages are dropped and rendered again when next asked for.
  size_t cache_bytes = kDefaultCacheBytes;
  // How often the poller asks Store::Generation (one indexed read of the
  // meta row, a few microseconds): short, so that an import is served within
  // milliseconds of its commit.
  std::chrono::milliseconds reload_poll{10};
  // Reload only the articles an import changed (Store::ChangesSince) when no
  // other file changed; false: always load everything (to compare).
  bool incremental = true;
  double feedback_per_minute = 6;  // per client (keyed hash of its address)
  double feedback_burst = 10;
  size_t feedback_batch = 512;  // rows per transaction at most; 1 = one transaction per POST
  // The operator's bearer token for the ops routes (/metrics): a request
  // with "Authorization: Bearer <token>" may call them. "" = none: they are
  // answered 403 except on the ops listener (Request::ops_listener).
  std::string ops_token;
  // Origins ("https://health.example.org", no path) whose pages may send
  // feedback to /api/feedback from a script (CORS): a static build with
  // feedback_endpoint pointing here. Empty = the origin of the site's
  // base_url. Requests from any other origin get no CORS headers.
  std::vector<std::string> cors_origins;
  // What "now" is: a feedback row's created_at and the pages' Last-Modified.
  // Must outlive the App; tests pass a util::FixedClock.
  const util::Clock* clock = &util::SystemClock();
  // The newsroom's sign-in (server/admin/, docs/newsroom-admin.md). true:
  // the site is reached over TLS (directly or through a proxy): the session
  // cookie is "__Host-vetted-session" with Secure, and only https Origins
  // pass the same-origin check. false (plain http, e.g. 127.0.0.1 in
  // development and tests): the cookie is "vetted-session" without Secure,
  // since browsers set neither __Host- nor Secure cookies from plain http.
  bool secure_cookies = false;
  // argon2id cost of the passwords the server hashes (sign-in rehash,
  // password change). Tests only lower it (newsroom::kTestPasswordCost).
  newsroom::PasswordCost password_cost = newsroom::kPasswordCost;
  // Editors and admins must sign in with a second factor (TOTP): one
  // without is sent to /admin/two-factor to set it up before anything else.
  bool require_totp = false;
  // The newsroom's daily mail (server/admin/desk_routes.h): when set, at
  // start and then once a day, each account with something waiting for it
  // (reviews, changes requested, reviews due) gets a plain-text message
  // (To:, Subject:, a blank line, the body) on this shell command's standard
  // input, e.g. "/usr/sbin/sendmail -t". Failures are logged, never fatal.
  std::string mail_command;
};

class App {
 public:
  // Loads the store's current content and starts the reload poller. kInvalid
  // when the stored site does not load or render (the message names the file
  // or template) or has an error by the rules of `vetted check`
  // (publish::Validate; the message lists every error as file:line); kIo
  // when the store fails; kNotFound when nothing was imported yet. `store`
  // and `metrics` (optional) must outlive the App.
  static Result<std::unique_ptr<App>> Open(store::Store& store, const AppOptions& options, Metrics* metrics,
                                           std::function<void(const std::string&)> log);
  // Stops the poller and waits for feedback already accepted to be committed.
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // The Handler: answers every route through the route table (router.h;
  // groups in server/public/ and server/ops/). Thread-safe. `respond` is
  // called on the caller's thread except for feedback, which is answered from
  // the writer thread once the row is durable.
  void Handle(Request&& req, Respond respond);
  // The body limit of the route a request would reach, for
  // ServeOptions::body_limit (16 KiB for feedback, 0 for GET routes).
  // Thread-safe.
  size_t BodyLimit(std::string_view method, std::string_view target) const;

  // The content generation being served.
  int64_t generation() const;
  // True once the search index's word lists were read after start-up
  // (/healthz answers 503 "warming" until then; pages are served anyway).
  bool ready() const;
  // Checks the store's generation now and reloads when it changed (the
  // poller does this every reload_poll). kInvalid/kIo as Open; on failure the
  // old content stays served. Thread-safe: one reload runs at a time.
  Status Reload();

  struct Impl;

 private:
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetted::server
