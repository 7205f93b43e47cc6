// Internal to server/: the route table. A Route is data: the methods it
// answers, a path pattern, who may call it, the largest body it takes and the
// handler. Groups of routes (public pages, search, feedback, ops; later the
// newsroom's admin) each add theirs from their own file (server/public/,
// server/ops/, server/admin/), so a new group touches no other.
//
// What Router::Handle does with a request, in order:
//   1. decodes the path once (DecodePath); a hostile or malformed one -> 400
//      "bad_request";
//   2. finds the routes whose pattern matches; the most specific pattern wins
//      (exact > with {param} > trailing wildcard, longer prefix first); no
//      match -> 404 "not_found";
//   3. a request from the ops listener (Request::ops_listener) reaches only
//      kOps routes (anything else -> 404 "not_found");
//   4. the method: HEAD is served by GET routes; a method the winning
//      pattern does not take -> 405 "method_not_allowed" with an Allow field
//      listing what it takes ("GET, HEAD", "POST");
//   5. access (see Access) -> 401/403 "forbidden"; a newsroom route
//      (kSignedIn ... kAdmin) with no gate (SetGate) -> 403;
//   6. the body limit: a body over it -> 413 "bad_request" (the listener
//      asks BodyLimit before reading a body, so this catches direct callers);
//   7. for a newsroom route, the gate (SetGate: the admin group's session,
//      role, CSRF and same-origin checks), which may answer instead and
//      otherwise fills Request::actor and Request::csrf;
//   8. a route that needs the database while it is unreachable (see
//      SetStoreHealth) -> 503 "unavailable" with Retry-After;
//   9. calls the handler, which must call `respond` exactly once; a 5xx
//      answer of a route that needs the database becomes 503 "unavailable"
//      when the database is down, or 503 "store_full" (Retry-After) when
//      it is out of space (SetStoreFull).
//
// Thread safety: Add only before the first Handle/Find/BodyLimit; after that
// the table is read-only and those may be called from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/server.h"

namespace vetted::server {

// Methods as bits, so that a route can take several.
enum Method : uint8_t {
  kGet = 1 << 0,  // also answers HEAD
  kHead = 1 << 1,
  kPost = 1 << 2,
  kPut = 1 << 3,
  kPatch = 1 << 4,
  kDelete = 1 << 5,
  kOptions = 1 << 6,
};
// The bit for a method name (case-sensitive, as HTTP says); 0 when unknown.
uint8_t MethodBit(std::string_view method);

// Who may call a route.
enum class Access {
  kPublic,  // anyone
  kOps,     // the operator: a request from the ops listener, or one with the ops bearer token
  // The newsroom (newsroom.md): a signed-in account (the gate resolves its
  // session; see Router::SetGate). kSignedIn: any account, whatever its
  // roles; kWriter ... kAdmin: an account with that role, or with any of
  // Route::roles when set ("writer or editor": kWriter | kEditor).
  kSignedIn,
  kWriter,
  kReviewer,
  kEditor,
  kAdmin,
};

// Body limits routes declare (bytes of decoded body).
inline constexpr size_t kNoBody = 0;                    // GET routes
inline constexpr size_t kDefaultBodyLimit = 16 * 1024;  // requests no route takes (= kMaxBodyBytes)

// The decoded path, the values of a pattern's {params}, and where the part a
// trailing wildcard took starts.
struct PathMatch {
  std::string path;
  std::vector<std::pair<std::string, std::string>> params;
  size_t rest = std::string::npos;  // offset in path of the wildcard's part; npos without one

  std::string_view Param(std::string_view name) const;  // "" when absent
  std::string_view Rest() const;                        // "" without a wildcard
};

// `match` lives only during the call: copy what an answer given later needs.
using RouteHandler = std::function<void(Request&& req, const PathMatch& match, Respond respond)>;

struct Route {
  uint8_t methods = kGet;  // Method bits
  // "/healthz" (exact), "/articles/{id}/" ({name}: one non-empty segment),
  // "/assets/*" (trailing wildcard: the prefix, then anything, also nothing).
  std::string pattern;
  Access access = Access::kPublic;
  size_t body_limit = kNoBody;  // above kMaxRouteBodyBytes (http_parse.h) the parser's ceiling applies
  RouteHandler handler;
  // Newsroom routes: the newsroom::Role bits any one of which lets an account
  // in; 0 = the role of `access` (none for kSignedIn).
  uint8_t roles = 0;
  // The handler needs the database (search, feedback); routes under /admin
  // and /preview/ and every newsroom route count as needing it anyway. See
  // Router::SetStoreHealth.
  bool uses_store = false;
};

// True for kSignedIn ... kAdmin.
bool IsNewsroomAccess(Access access);
// The role bits a newsroom route asks for (Route::roles, else the role of
// its access; 0 for kSignedIn and non-newsroom routes).
uint8_t RolesNeeded(const Route& route);

// The newsroom's check of a request to a newsroom route, before its handler:
// a response to send instead (401, 403, 303 to the sign-in page), or nullopt
// after filling req.actor (and req.csrf) to let it through.
using Gate = std::function<std::optional<Response>(Request& req, const Route& route)>;

struct RouterOptions {
  // The operator's bearer token ("" = none: kOps routes are reachable only
  // from the ops listener). Compared in constant time.
  std::string ops_token;
};

class Router {
 public:
  explicit Router(RouterOptions options = {});

  // Adds a route. A pattern that is not well formed (not starting with '/',
  // '*' anywhere but at the end, an unclosed or empty {param}) is a
  // programming error: kInvalid naming the pattern.
  Status Add(Route route);
  // Sets the newsroom's gate (the admin group does). Without one, newsroom
  // routes are refused (403).
  void SetGate(Gate gate) { gate_ = std::move(gate); }
  // How the database is (the App's poller knows): `down(false)` says whether
  // it was unreachable at the last look; `down(true)` looks again now. While
  // it is down, a route that needs it (Route::uses_store) answers 503 with
  // Retry-After instead of calling its handler, and such a route's 5xx
  // answer becomes that 503 when a fresh look finds the database down;
  // everything else (pages, assets, /healthz) is served as usual.
  void SetStoreHealth(std::function<bool(bool look_again)> down) { store_down_ = std::move(down); }
  // Whether the database is out of space (store::Store::OutOfSpace; the App
  // logs the change). A 5xx answer of a route that needs the database, while
  // it is, becomes 503 "store_full" with Retry-After and a message that says
  // so (a handler's own 503 keeps its body and gains the Retry-After).
  void SetStoreFull(std::function<bool()> full) { store_full_ = std::move(full); }

  // The outcome of steps 1-6 for a request: the route and its match, or the
  // refusal to send.
  struct Found {
    const Route* route = nullptr;
    PathMatch match;
    std::optional<Response> refusal;  // set exactly when route is null
  };
  Found Find(const Request& req) const;

  // Find, then the route's handler (or respond(refusal)).
  void Handle(Request&& req, Respond respond) const;

  // The body limit of the route a request (method, target as sent) would
  // reach; kDefaultBodyLimit when it reaches none. For the listener, which
  // asks after the head and before reading the body.
  size_t BodyLimit(std::string_view method, std::string_view target) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* Match(std::string_view path, uint8_t method, PathMatch& match, uint8_t* allowed,
                     bool* ops) const;
  std::optional<Response> Refuse(const Route& route, const Request& req) const;

  RouterOptions options_;
  Gate gate_;
  std::function<bool(bool)> store_down_;
  std::function<bool()> store_full_;
  std::vector<Route> routes_;
  std::vector<int> rank_;  // per route: higher is more specific
};

// Percent-decodes a URL path; false for a hostile or malformed one: not
// starting with '/', raw bytes other than visible ASCII or a '#' (as the
// parser), bad escapes, and after decoding NUL or other control bytes,
// backslash, a "." or ".." segment, an empty segment but the last.
bool DecodePath(std::string_view raw, std::string& out);

// True when `header` is "Bearer <token>" (scheme in any case) for this
// token; constant time in the token's bytes. False for an empty token.
bool BearerMatches(std::string_view header, std::string_view token);

// "GET, HEAD, POST" for a set of Method bits (HEAD included with GET).
std::string AllowValue(uint8_t methods);

}  // namespace vetted::server
