// server/: vetted's HTTP server.
//
// Two halves, kept apart on purpose:
//   - Request logic: a Handler turns a Request into a Response. App (app.h)
//     serves a site from a Store; StaticSite serves a built folder. Both go
//     through the route table (router.h: method, pattern, who may call, body
//     limit, handler) and answer cacheable bodies with one responder
//     (responder.h). Neither sees a socket; both are unit-tested without one.
//   - Serve() owns the sockets (Asio, in listener.cc only; no Boost header is
//     reachable from here), parses HTTP/1.1 strictly (http_parse.h), enforces
//     the limits and timeouts, and calls the Handler for every request.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"
#include "newsroom/newsroom.h"
#include "util/util.h"

namespace vetted::server {

using Fields = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request. Header names are matched case-insensitively.
struct Request {
  std::string method;  // "GET", "HEAD", ...
  std::string target;  // origin-form as sent: "/a/b/?q=1" (still percent-encoded)
  Fields headers;
  std::string body;
  // The peer's address, for rate limiting only: never logged or stored.
  std::string client;
  // Arrived on the operator's listener (ServeOptions::ops_listener), which
  // serves the ops routes only and needs no token.
  bool ops_listener = false;
  // The signed-in account, set by the router before it calls a handler of a
  // newsroom route (Access::kWriter ... kAdmin); account_id 0 = nobody.
  newsroom::Actor actor;
  // That session's CSRF token (for the forms a handler writes); "" = nobody.
  std::string csrf;

  // Value of the first header named `name` (any case); empty when absent.
  std::string_view Header(std::string_view name) const;
  // The target before '?' (still percent-encoded) and the query after it ("" when none).
  std::string_view Path() const;
  std::string_view Query() const;
};

// One response. Handle always sets Content-Length (except on 304) so that a
// HEAD response, whose body is empty, still announces the GET length.
struct Response {
  int status = 200;
  Fields headers;
  std::string body;
  // When set, sent instead of `body` without copying (cached pages).
  std::shared_ptr<const std::string> shared_body;
  // Header lines formatted once by the handler ("Name: value\r\n" each),
  // sent after `headers` as they are: for cached pages, whose headers never
  // change. The handler vouches for them (no CR/LF inside values).
  std::shared_ptr<const std::string> header_block;
  // The route that answered, for metrics and the access log: a string literal
  // ("page", "search", "api_search", "feedback", "api_feedback", "healthz",
  // "metrics", "redirect", "not_found", "static", "bad_request",
  // "method_not_allowed", "forbidden", ...).
  std::string_view route = "other";
  // Close the connection after this response.
  bool close = false;

  const std::string& Body() const { return shared_body ? *shared_body : body; }

  // Value of the first header named `name` (any case) in `headers`, then in
  // `header_block`; empty when absent.
  std::string_view Header(std::string_view name) const;
};

// A built site folder held in memory and answered from there.
//
// Open reads every regular file under root once (symlinks and names starting
// with '.' are skipped, except ".well-known"), so no request can ever reach a
// file outside root: a URL is only ever a key into that in-memory table.
// Text types (html, css, js, svg, xml, txt, json) of 256 bytes or more are
// gzip-compressed on the first request that accepts gzip, and the copy is kept
// (served only when smaller). Responses come from the same responder as
// App's pages (responder.h: ETag, 304, Cache-Control, Last-Modified = the
// time of Open). Changes to the folder after Open are not seen.
//
// Thread safety: immutable after Open; Handle may be called from any number
// of threads at once. Copies are cheap and share the same data.
class StaticSite {
 public:
  // Fails with kNotFound when root is not a directory, kIo when a file cannot
  // be read. `clock` gives Last-Modified (the time of Open).
  static Result<StaticSite> Open(const std::string& root, const util::Clock& clock = util::SystemClock());

  // Answers a request (never fails; errors are 4xx responses):
  //   GET/HEAD only (405 + Allow otherwise); "/a/b/" serves a/b/index.html;
  //   "/a/b" -> 301 "/a/b/" when that folder page exists; unknown -> 404 with
  //   the site's 404.html; bad or hostile paths (.., %2e%2e, NUL, backslash,
  //   control characters, bad %-escapes, empty segments) -> 400, checked by
  //   the same route table as App's (router.h); If-None-Match -> 304;
  //   gzip when Accept-Encoding allows it (Vary: Accept-Encoding).
  // Every response carries the security headers (see AddSecurityHeaders).
  Response Handle(const Request& req) const;

  const std::string& root() const;
  size_t file_count() const;

 private:
  struct Data;
  explicit StaticSite(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// Appends Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
// Permissions-Policy and X-Frame-Options to headers.
void AddSecurityHeaders(Fields& headers);

// A small text/plain error response (e.g. 400 for a request the socket layer
// could not parse) with the security headers and Content-Length.
Response PlainResponse(int status, std::string_view text);

// Lets another thread stop a running Serve() the way SIGTERM does.
// Thread-safe. Stop() before Serve starts makes Serve return right after it
// has bound its port.
class ServeControl {
 public:
  void Stop();
  bool stopped() const;
  // For Serve: `action` runs on Stop (at once if already stopped); an empty
  // function detaches. Runs under the control's lock: keep it short.
  void OnStop(std::function<void()> action);

 private:
  mutable std::mutex mu_;
  bool stopped_ = false;
  std::function<void()> action_;
};

// Answers one request. Must call `respond` exactly once, on any thread, now
// or later (App answers a feedback POST only once its row is durable).
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&& req, Respond respond)>;

class Metrics;  // metrics.h

// The address `vetted serve` listens on unless told otherwise.
inline constexpr const char* kDefaultListen = "127.0.0.1:8080";

// Each default here is the one default: the CLI's ServeArgs (cli/commands.h) takes its own from it.
struct ServeOptions {
  std::string listen = kDefaultListen;  // host:port, [v6]:port; port 0 = any free port
  int threads = 0;                      // 0 = hardware concurrency
  // Called once the socket is bound and listening, with the actual port.
  std::function<void(int port)> on_listening;
  ServeControl* control = nullptr;  // optional; not owned; must outlive Serve
  Metrics* metrics = nullptr;       // optional; not owned; every request is recorded
  std::string hsts;                 // Strict-Transport-Security value; "" = not sent (no TLS here)
  bool access_log = true;           // one `log` line per request (start, reload and error lines regardless)
  // The largest body a request may have, asked once its head is read (a
  // body over it is answered 413 without being read). Null: kMaxBodyBytes
  // for every request. Never above kMaxRouteBodyBytes (http_parse.h). Called on
  // the worker threads: must be thread-safe.
  std::function<size_t(std::string_view method, std::string_view target)> body_limit;
  // The most bytes of request bodies being received at once, over every
  // connection (a body counts from its head until its handler is called): a
  // request whose declared Content-Length would pass it is answered 503 with
  // Retry-After before its body is read; a chunked body, once what it has
  // sent would. 0 = no cap. Bounds the memory many slow uploads could hold.
  size_t bodies_in_flight = size_t{128} << 20;
  // The operator's listener: every request is marked Request::ops_listener,
  // and the start line reads "ops listening on http://...".
  bool ops_listener = false;
};

// Serves `handler` until SIGINT or SIGTERM (or options.control->Stop()); then
// stops accepting, lets requests being answered finish (idle keep-alive
// connections are closed; anything left after a grace period is cut) and
// returns Ok. Fails with kInvalid for a bad `listen` value and kIo when the
// address cannot be bound.
//
// `log` receives one line at start ("listening on http://host:port/"), one
// access line per request, as one JSON object (structured, one per line):
//   {"t":"2026-11-26T06:01:02.123Z","method":"GET","path":"/a/","route":"page",
//    "status":200,"bytes":5120,"us":87}
// (path without the query string: search terms are health information;
// bytes = body bytes sent; us = microseconds from request parsed to response
// written) and error lines. Calls to `log` are serialized by Serve. Client
// addresses are not logged: readers of health content deserve that.
Status Serve(const Handler& handler, const ServeOptions& options,
             const std::function<void(const std::string&)>& log);

// A Handler answering from a StaticSite (synchronously).
Handler StaticHandler(StaticSite site);

}  // namespace vetted::server
