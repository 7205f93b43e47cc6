// Router: matching a request against the route table, and the refusals.
#include "server/router.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "util/util.h"

namespace vetted::server {
namespace {

constexpr std::string_view kOpsRealm = "Bearer realm=\"vetted-ops\"";

// Pattern kinds, most specific first; a route's rank is kind * kKindStep plus
// the length of its literal prefix.
constexpr int kKindStep = 1 << 16;
constexpr int kExact = 3, kParam = 2, kWildcard = 1;

struct MethodName {
  std::string_view name;
  uint8_t bit;
};
constexpr MethodName kMethods[] = {{"GET", kGet},        {"HEAD", kHead},   {"POST", kPost},
                                   {"PUT", kPut},        {"PATCH", kPatch}, {"DELETE", kDelete},
                                   {"OPTIONS", kOptions}};

bool Allows(uint8_t methods, uint8_t method) {
  return (methods & method) != 0 || (method == kHead && (methods & kGet) != 0);
}

// Matches `path` against a well-formed pattern; appends {param} values.
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::pair<std::string, std::string>>& params, size_t& rest) {
  size_t i = 0, j = 0;
  while (i < pattern.size()) {
    char p = pattern[i];
    if (p == '*') {
      rest = j;
      return true;
    }
    if (p == '{') {
      size_t close = pattern.find('}', i);
      size_t end = path.find('/', j);
      if (end == std::string_view::npos) end = path.size();
      if (end == j) return false;
      params.emplace_back(std::string(pattern.substr(i + 1, close - i - 1)),
                          std::string(path.substr(j, end - j)));
      i = close + 1;
      j = end;
      continue;
    }
    if (j >= path.size() || path[j] != p) return false;
    ++i;
    ++j;
  }
  return j == path.size();
}

// The rank of a pattern, or -1 when it is not well formed.
int RankOf(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') return -1;
  int kind = kExact;
  size_t literal = pattern.size();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*') {
      if (i + 1 != pattern.size()) return -1;
      kind = std::min(kind, kWildcard);
      literal = std::min(literal, i);
    } else if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos || close == i + 1) return -1;
      if (pattern.substr(i + 1, close - i - 1).find_first_of("{/*") != std::string_view::npos) return -1;
      kind = std::min(kind, kParam);
      literal = std::min(literal, i);
      i = close;
    } else if (pattern[i] == '}') {
      return -1;
    }
  }
  return kind * kKindStep + static_cast<int>(std::min<size_t>(literal, kKindStep - 1));
}

Response Refusal(int status, std::string_view text, std::string_view route) {
  Response res = PlainResponse(status, text);
  res.route = route;
  return res;
}

bool UsesStore(const Route& route) {
  return route.uses_store || IsNewsroomAccess(route.access) || util::StartsWith(route.pattern, "/admin") ||
         util::StartsWith(route.pattern, "/preview/");
}

// The answer while the database cannot be reached: JSON for the APIs, text otherwise.
Response Unavailable(std::string_view path) {
  constexpr std::string_view kText =
      "The site's database cannot be reached just now, so this cannot be done. Pages can still be read. "
      "Please try again in a few seconds.";
  Response res;
  if (util::StartsWith(path, "/api/") || util::StartsWith(path, "/admin/api/")) {
    res.status = 503;
    res.headers.emplace_back("Content-Type", "application/json");
    res.body = "{\"error\":\"unavailable\",\"message\":\"" + std::string(kText) + "\"}";
  } else {
    res = PlainResponse(503, kText);
  }
  res.headers.emplace_back("Retry-After", "5");
  res.headers.emplace_back("Cache-Control", "no-store");
  res.route = "unavailable";
  return res;
}

// A write refused because the database's disk is full: JSON for the APIs, text otherwise.
Response StoreFull(std::string_view path, Response&& res) {
  constexpr std::string_view kText =
      "The site's disk is full, so nothing was saved. Pages can still be read. Please try again in a few "
      "minutes; the site's operators have been told.";
  if (res.status != 503) {
    res = Response{};
    res.status = 503;
    if (util::StartsWith(path, "/api/") || util::StartsWith(path, "/admin/api/")) {
      res.headers.emplace_back("Content-Type", "application/json");
      res.body = "{\"error\":\"store_full\",\"message\":\"" + std::string(kText) + "\"}";
    } else {
      res = PlainResponse(503, kText);
    }
    res.headers.emplace_back("Cache-Control", "no-store");
  }
  bool has_retry = false;
  for (const auto& [name, value] : res.headers)
    has_retry = has_retry || util::EqualsIgnoreCase(name, "Retry-After");
  if (!has_retry) res.headers.emplace_back("Retry-After", "30");
  res.route = "store_full";
  return std::move(res);
}

}  // namespace

uint8_t MethodBit(std::string_view method) {
  for (const MethodName& m : kMethods)
    if (m.name == method) return m.bit;
  return 0;
}

std::string AllowValue(uint8_t methods) {
  if (methods & kGet) methods |= kHead;
  std::string out;
  for (const MethodName& m : kMethods) {
    if ((methods & m.bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += m.name;
  }
  return out;
}

std::string_view PathMatch::Rest() const {
  return rest == std::string::npos ? std::string_view() : std::string_view(path).substr(rest);
}

std::string_view PathMatch::Param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

bool DecodePath(std::string_view raw, std::string& out) {
  if (raw.empty() || raw[0] != '/') return false;
  for (char ch : raw) {  // as the parser: visible ASCII only (UTF-8 comes %-encoded)
    auto u = static_cast<unsigned char>(ch);
    if (u <= 0x20 || u >= 0x7f || ch == '#') return false;
  }
  if (!util::PercentDecode(raw, &out)) return false;
  for (char ch : out) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f || ch == '\\') return false;
  }
  // No "." or ".." segment, no empty segment but the last.
  for (size_t start = 1; start <= out.size();) {
    size_t end = out.find('/', start);
    if (end == std::string::npos) end = out.size();
    std::string_view seg(out.data() + start, end - start);
    if (seg == "." || seg == "..") return false;
    if (seg.empty() && end != out.size()) return false;
    start = end + 1;
  }
  return true;
}

bool BearerMatches(std::string_view header, std::string_view token) {
  if (token.empty()) return false;
  header = util::Trim(header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !util::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme) ||
      (header[kScheme.size()] != ' ' && header[kScheme.size()] != '\t'))
    return false;
  std::string_view given = util::Trim(header.substr(kScheme.size()));
  // Hashing both first makes the comparison independent of where they differ
  // and of their lengths.
  std::array<unsigned char, crypto_generichash_BYTES> a{}, b{};
  crypto_generichash(a.data(), a.size(), reinterpret_cast<const unsigned char*>(given.data()), given.size(),
                     nullptr, 0);
  crypto_generichash(b.data(), b.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Router::Router(RouterOptions options) : options_(std::move(options)) {
  if (sodium_init() < 0) {
    std::fputs("vetted: libsodium failed to initialize\n", stderr);
    std::abort();
  }
}

Status Router::Add(Route route) {
  int rank = RankOf(route.pattern);
  if (rank < 0) return Status::Invalid("route pattern \"" + route.pattern + "\" is not well formed");
  if (!route.handler) return Status::Invalid("route " + route.pattern + " has no handler");
  routes_.push_back(std::move(route));
  rank_.push_back(rank);
  return Status::Ok();
}

// The most specific routes matching `path`: the one taking `method` (or
// null), with the methods the group takes and whether it holds an ops route.
const Route* Router::Match(std::string_view path, uint8_t method, PathMatch& match, uint8_t* allowed,
                           bool* ops) const {
  int best = -1;
  const Route* chosen = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  *allowed = 0;
  *ops = false;
  for (size_t i = 0; i < routes_.size(); ++i) {
    params.clear();
    size_t rest = std::string::npos;
    if (rank_[i] < best || !MatchPattern(routes_[i].pattern, path, params, rest)) continue;
    if (rank_[i] > best) {
      best = rank_[i];
      chosen = nullptr;
      *allowed = 0;
      *ops = false;
    }
    *allowed |= routes_[i].methods;
    *ops = *ops || routes_[i].access == Access::kOps;
    if (chosen == nullptr && Allows(routes_[i].methods, method)) {
      chosen = &routes_[i];
      match.params = std::move(params);
      match.rest = rest;
      params = {};
    }
  }
  return chosen;
}

std::optional<Response> Router::Refuse(const Route& route, const Request& req) const {
  switch (route.access) {
    case Access::kPublic:
      break;
    case Access::kOps:
      if (req.ops_listener || BearerMatches(req.Header("Authorization"), options_.ops_token)) break;
      if (options_.ops_token.empty())
        return Refusal(
            403,
            "Forbidden: this route is for the operator. It is served on the --ops-listen address, or "
            "here with the --ops-token bearer token (see docs/serving.md).",
            "forbidden");
      {
        Response res =
            Refusal(401, "Unauthorized: send the operator's token (Authorization: Bearer ...).", "forbidden");
        res.headers.emplace_back("WWW-Authenticate", kOpsRealm);
        return res;
      }
    default:
      if (!gate_)
        return Refusal(403, "Forbidden: newsroom sign-in is not available on this server.", "forbidden");
      break;
  }
  if (req.body.size() > route.body_limit) return Refusal(413, "request body too large", "bad_request");
  return std::nullopt;
}

Router::Found Router::Find(const Request& req) const {
  Found found;
  if (!DecodePath(req.Path(), found.match.path)) {
    found.refusal = Refusal(400, "Bad request: malformed path", "bad_request");
    return found;
  }
  uint8_t method = MethodBit(req.method);
  uint8_t allowed = 0;
  bool ops = false;
  const Route* route = Match(found.match.path, method, found.match, &allowed, &ops);
  if (allowed == 0 || (req.ops_listener && !ops)) {
    found.refusal = Refusal(
        404, req.ops_listener ? "Not found: this address serves the operator's routes only." : "Not found",
        "not_found");
    return found;
  }
  if (route == nullptr) {
    found.refusal = Refusal(405, "Method not allowed", "method_not_allowed");
    found.refusal->headers.emplace_back("Allow", AllowValue(allowed));
    return found;
  }
  if ((found.refusal = Refuse(*route, req))) return found;
  found.route = route;
  return found;
}

bool IsNewsroomAccess(Access access) {
  return access != Access::kPublic && access != Access::kOps;
}

uint8_t RolesNeeded(const Route& route) {
  if (route.roles != 0) return route.roles;
  switch (route.access) {
    case Access::kWriter:
      return newsroom::kWriter;
    case Access::kReviewer:
      return newsroom::kReviewer;
    case Access::kEditor:
      return newsroom::kEditor;
    case Access::kAdmin:
      return newsroom::kAdmin;
    default:
      return 0;
  }
}

void Router::Handle(Request&& req, Respond respond) const {
  Found found = Find(req);
  if (found.refusal) return respond(std::move(*found.refusal));
  req.actor = newsroom::Actor{};  // only the gate says who is signed in
  req.csrf.clear();
  const bool uses_store = store_down_ && UsesStore(*found.route);
  if (uses_store && store_down_(false)) return respond(Unavailable(found.match.path));
  if (IsNewsroomAccess(found.route->access) && gate_) {
    if (std::optional<Response> answer = gate_(req, *found.route)) return respond(std::move(*answer));
  }
  if (uses_store) {
    // A failure of the database while the handler ran: say so as a 503 the client may retry.
    // Or of a disk too full for the write: a 503 that says so and when to try again.
    respond = [down = store_down_, full = store_full_, path = found.match.path,
               inner = std::move(respond)](Response&& res) {
      if (res.status >= 500 && down(true)) return inner(Unavailable(path));
      if (res.status >= 500 && full && full()) return inner(StoreFull(path, std::move(res)));
      inner(std::move(res));
    };
  }
  found.route->handler(std::move(req), found.match, std::move(respond));
}

size_t Router::BodyLimit(std::string_view method, std::string_view target) const {
  PathMatch match;
  if (!DecodePath(target.substr(0, target.find('?')), match.path)) return kDefaultBodyLimit;
  uint8_t allowed = 0;
  bool ops = false;
  const Route* route = Match(match.path, MethodBit(method), match, &allowed, &ops);
  return route ? route->body_limit : kDefaultBodyLimit;
}

}  // namespace vetted::server
